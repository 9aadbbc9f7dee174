// Pure builders for the networks' official share URLs (see shared WIDGET.md).
// Every value goes through encodeURIComponent, which writes spaces as %20 and
// line breaks as %0D%0A, as RFC 6068 wants for mailto: (URLSearchParams would
// write "+", which mail clients show literally).
const enc = encodeURIComponent

/** The referral link tagged with the channel it was shared through. */
export const withChannel = (link, channel) =>
  link + (link.includes('?') ? '&' : '?') + 'ch=' + channel

/**
 * Shortens `text` so that text + " " + url fits in `max` characters (code
 * points, so an emoji is never cut in half), ending it with "…" when cut.
 */
export const fit = (text, url, max) => {
  const chars = [...text]
  const room = max - [...url].length - 1
  return chars.length <= room ? text : chars.slice(0, Math.max(0, room - 1)).join('').trimEnd() + '…'
}

// (text, url, options) -> href, for every target the widget can render, keyed
// by the channel names the API uses. Options: subject (e-mail), ios (SMS).
export const SHARE = {
  whatsapp: (t, u) => 'https://wa.me/?text=' + enc(t + ' ' + u),
  facebook: (t, u) => 'https://www.facebook.com/sharer/sharer.php?u=' + enc(u),
  x: (t, u) => 'https://x.com/intent/tweet?text=' + enc(fit(t, u, 280)) + '&url=' + enc(u),
  linkedin: (t, u) => 'https://www.linkedin.com/sharing/share-offsite/?url=' + enc(u),
  telegram: (t, u) => 'https://t.me/share/url?url=' + enc(u) + '&text=' + enc(t),
  email: (t, u, o) => 'mailto:?subject=' + enc(o.subject || '') + '&body=' + enc(t + '\r\n\r\n' + u),
  sms: (t, u, o) => (o.ios ? 'sms:&body=' : 'sms:?body=') + enc(t + ' ' + u),
}

/**
 * Pinterest needs an image (`media`) that the widget API does not provide, so
 * the widget does not render it; the builder is here for when it does.
 */
export const pinterestUrl = (t, u, media) =>
  'https://www.pinterest.com/pin/create/button/?url=' + enc(u) + '&media=' + enc(media) + '&description=' + enc(t)

/** iOS wants `sms:&body=`; iPadOS 13+ says "Macintosh" but has a touch screen. */
export const isIOS = (ua, touchPoints) =>
  /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && touchPoints > 1)
