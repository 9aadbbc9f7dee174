// The widget's own labels in English, the fallback. Every other language (and a campaign's own
// wording) comes with the API answers the widget waits for anyway, as `texts`, merged over
// these (server/shareback/widget_texts.py holds the same English for the catalogues).
export const en = {
  invite: 'Invite friends',
  close: 'Close',
  intro: 'Enter your e-mail address to get your personal link.',
  email: 'Your e-mail address',
  name: 'Your name (optional)',
  submit: 'Get my link',
  need: 'Please enter your e-mail address.',
  fail: 'Something went wrong. Please try again.',
  loading: 'Loading…',
  link: 'Your referral link',
  copy: 'Copy link',
  copied: 'Copied',
  code: 'Your code',
  myCode: 'Or give friends your code',
  copyCode: 'Copy code',
  copiedMsg: 'Link copied',
  hint: 'Press {k}+C to copy the link.',
  shareLink: 'Share your link',
  on: 'Share on {n}',
  mail: ['E-mail', 'Share by e-mail'],
  sms: ['SMS', 'Share by SMS'],
  native: 'Share…',
  qr: 'Show QR code',
  qrHide: 'Hide QR code',
  qrAlt: 'QR code for your referral link',
  dismiss: 'Dismiss',
  hide: 'Hide the invite button',
}

/** The language asked for: data-lang, else <html lang> ("de-AT" → "de"); "" lets the server
 * follow the browser's Accept-Language. The server answers in the nearest one it speaks. */
export const pickLang = (dataLang, htmlLang) => ((dataLang || htmlLang || '').match(/^[a-z]{2,3}(?![a-z])/i) || [''])[0].toLowerCase()

/** A copy of the English, for the API's `texts` to be merged over. */
export const strings = () => ({ ...en })

// Network names are brand names, the same in every language.
const NAMES = {
  whatsapp: 'WhatsApp', facebook: 'Facebook', x: 'X', linkedin: 'LinkedIn', telegram: 'Telegram',
}

/** [visible label, accessible name] of a share target, e.g. ["WhatsApp", "Share on WhatsApp"]. */
export const targetLabel = (t, channel) =>
  channel == 'email' ? t.mail : channel == 'sms' ? t.sms : [NAMES[channel], t.on.replace('{n}', NAMES[channel])]
