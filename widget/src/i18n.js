// Dutch and English copy. The backend localises the campaign's texts (headline, offer,
// share message); these are the widget's own labels.
const en = {
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
  on: 'Share on ',
  mail: ['E-mail', 'Share by e-mail'],
  sms: ['SMS', 'Share by SMS'],
  native: 'Share…',
  qr: 'Show QR code',
  qrHide: 'Hide QR code',
  qrAlt: 'QR code for your referral link',
  dismiss: 'Dismiss',
  hide: 'Hide the invite button',
}

const nl = {
  invite: 'Vrienden uitnodigen',
  close: 'Sluiten',
  intro: 'Vul je e-mailadres in en ontvang je persoonlijke link.',
  email: 'Je e-mailadres',
  name: 'Je naam (optioneel)',
  submit: 'Maak mijn link',
  need: 'Vul je e-mailadres in.',
  fail: 'Er ging iets mis. Probeer het opnieuw.',
  loading: 'Even geduld…',
  link: 'Je persoonlijke link',
  copy: 'Kopieer link',
  copied: 'Gekopieerd',
  code: 'Je code',
  myCode: 'Of geef vrienden je code',
  copyCode: 'Kopieer code',
  copiedMsg: 'Link gekopieerd',
  hint: 'Druk op {k}+C om de link te kopiëren.',
  shareLink: 'Deel je link',
  on: 'Deel via ',
  mail: ['E-mail', 'Deel via e-mail'],
  sms: ['Sms', 'Deel via sms'],
  native: 'Delen…',
  qr: 'Toon QR-code',
  qrHide: 'Verberg QR-code',
  qrAlt: 'QR-code voor je persoonlijke link',
  dismiss: 'Sluiten',
  hide: 'Verberg de uitnodigingsknop',
}

/** "nl" for data-lang or <html lang> starting with nl (nl, nl-NL, nl_BE), else "en". */
export const pickLang = (dataLang, htmlLang) => (/^nl(?![a-z])/i.test(dataLang || htmlLang || '') ? 'nl' : 'en')

export const strings = (lang) => (lang == 'nl' ? nl : en)

// Network names are brand names, the same in every language.
const NAMES = {
  whatsapp: 'WhatsApp', facebook: 'Facebook', x: 'X', linkedin: 'LinkedIn', telegram: 'Telegram',
}

/** [visible label, accessible name] of a share target, e.g. ["WhatsApp", "Share on WhatsApp"]. */
export const targetLabel = (t, channel) =>
  channel == 'email' ? t.mail : channel == 'sms' ? t.sms : [NAMES[channel], t.on + NAMES[channel]]
