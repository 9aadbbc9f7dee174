// The floating launcher's rules from the campaign's design: the pages it stays off, and the
// shopper's "hide this button", remembered for the tab (0 days) or for some days. Storage can
// be unavailable or throw (private modes, blocked cookies): then the button just shows again.

/** d.hide is the backend's one regular expression for the owner's page list (/checkout*, /cart). */
export const offPage = (d, path) => !!d.hide && new RegExp(d.hide).test(path)

export const hideKey = (cfg) => 'shareback-hide:' + cfg.campaign

/** Hidden by the shopper: in this tab, or until the stored time. `w` is window (tests pass a fake). */
export const away = (key, now, w = window) => {
  try {
    return !!w.sessionStorage[key] || w.localStorage[key] > now
  } catch {
    return false
  }
}

export const hide = (key, days, now, w = window) => {
  try {
    days ? (w.localStorage[key] = now + days * 864e5) : (w.sessionStorage[key] = 1)
  } catch {}
}
