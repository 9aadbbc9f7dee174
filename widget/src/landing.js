// The friend's landing: take the signed `ref` token out of the page URL and
// keep it first-party (cookie + localStorage) for the attribution window, so
// the shop's checkout can hand it to the order webhook.
export const KEY = 'shareback_ref'
const DAY = 864e5

// Signed tokens and referral codes are URL-safe; anything else is not ours and
// must never reach a cookie string.
const TOKEN = /^[\w.~-]{1,512}$/

const decode = (s) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return null
  }
}
const isRef = (pair) => decode(pair.split('=')[0]) == 'ref'
const pairs = (search) => search.replace(/^\?/, '').split('&')

/** The `ref` token in a query string ("?a=1&ref=…"), or null when absent or malformed. */
export const parseRef = (search) => {
  const value = new URLSearchParams(search).get('ref')
  return value && TOKEN.test(value) ? value : null
}

/** The query string without `ref`, other parameters untouched: "?a=1" or "". */
export const withoutRef = (search) => {
  const rest = pairs(search).filter((p) => p && !isRef(p))
  return rest.length ? '?' + rest.join('&') : ''
}

/** The Set-Cookie-style string that keeps the token for `days` days. */
export const refCookie = (token, days, secure) =>
  KEY + '=' + token + '; Max-Age=' + Math.round(days * 86400) + '; Path=/; SameSite=Lax' + (secure ? '; Secure' : '')

/** Reads and removes `ref` from the visible URL (history.replaceState keeps the rest and the hash). */
export const takeRef = (loc, hist) => {
  const search = loc.search
  if (pairs(search).some(isRef)) hist.replaceState(hist.state, '', loc.pathname + withoutRef(search) + loc.hash)
  return parseRef(search)
}

export const storeRef = (token, days, code) => {
  try {
    document.cookie = refCookie(token, days, location.protocol == 'https:')
    localStorage.setItem(KEY, JSON.stringify({ ref: token, exp: Date.now() + days * DAY, code }))
  } catch {}
}

const saved = () => {
  try {
    const s = JSON.parse(localStorage.getItem(KEY))
    return s && s.exp > Date.now() ? s : null
  } catch {}
}

/** The stored, unexpired token (for shops whose checkout runs in the browser), or null. */
export const storedRef = () => {
  try {
    const s = saved()
    if (s) return s.ref
    const m = document.cookie.match(/(?:^|; )shareback_ref=([^;]+)/)
    return m ? m[1] : null
  } catch {
    return null
  }
}

/** The friend's code from the landing, to fill in the checkout's discount field, or null. */
export const storedCode = () => (saved() || {}).code || null
