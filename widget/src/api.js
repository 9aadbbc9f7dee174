// The three backend calls. Requests carry no cookies (credentials: "omit"):
// the widget identifies the shopper only through what the shop put on the tag.
const enc = encodeURIComponent

export const widgetUrl = (cfg, ref) =>
  cfg.base + '/api/v1/campaigns/' + enc(cfg.campaign) + '/widget?lang=' + cfg.lang + (ref ? '&ref=' + enc(ref) : '')

/**
 * GET (or POST `body` as JSON). Rejects with the API's {code, message, field}
 * on an error answer, and with {} when the network or the JSON failed, so a
 * browser's own (English) message never reaches the shopper.
 */
export const call = (url, body) =>
  fetch(url, {
    credentials: 'omit',
    ...(body && { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  })
    .then((r) =>
      r.json().then((j) => {
        if (r.ok) return j
        throw j.error
      }),
    )
    .catch((e) => {
      throw e instanceof Error ? {} : e || {}
    })

export const postAdvocate = (cfg, who) =>
  call(cfg.base + '/api/v1/advocates', { campaign: cfg.campaign, lang: cfg.lang, ...who })

/** Fire-and-forget share analytics to the backend's own origin. */
export const sendEvent = (cfg, ev) => {
  const url = cfg.base + '/api/v1/events'
  try {
    // text/plain keeps it a CORS "simple" request: no preflight.
    const blob = new Blob([JSON.stringify({ campaign: cfg.campaign, ...ev })], { type: 'text/plain' })
    if (!navigator.sendBeacon || !navigator.sendBeacon(url, blob)) {
      fetch(url, { method: 'POST', body: blob, keepalive: true, credentials: 'omit' }).catch(() => {})
    }
  } catch {}
}
