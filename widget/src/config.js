// Configuration from the script tag's data-* attributes.
import { pickLang } from './i18n.js'

/**
 * Reads data-campaign, data-email, data-name, data-user-hash, data-lang and
 * data-api. The API base defaults to the origin the script was loaded from.
 */
export const readConfig = (script, doc) => {
  const d = (script && script.dataset) || {}
  const base = d.api || new URL((script && script.src) || '/', doc.baseURI).origin
  return {
    campaign: d.campaign || 'default',
    email: (d.email || '').trim(),
    name: d.name || undefined,
    hash: d.userHash || undefined,
    lang: pickLang(d.lang, doc.documentElement.lang),
    base: base.replace(/\/+$/, ''),
  }
}
