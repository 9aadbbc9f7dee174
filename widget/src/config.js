// Configuration from the script tag's data-* attributes.
import { pickLang } from './i18n.js'

/**
 * Reads data-campaign, data-email, data-name, data-user-hash, data-findable,
 * data-lang, data-placement and data-api. The API base defaults to the origin
 * the script was loaded from. data-placement="thank-you" (the shop's order
 * confirmation) opens straight on the buyer's own link. data-findable="true" (or "false") is the shopper's choice to be
 * found by name in the checkout's referrer look-up, sent with their identity.
 */
export const readConfig = (script, doc) => {
  const d = (script && script.dataset) || {}
  const base = d.api || new URL((script && script.src) || '/', doc.baseURI).origin
  return {
    campaign: d.campaign || 'default',
    email: (d.email || '').trim(),
    name: d.name || undefined,
    hash: d.userHash || undefined,
    findable: d.findable ? d.findable == 'true' : undefined,
    lang: pickLang(d.lang, doc.documentElement.lang),
    thanks: d.placement == 'thank-you',
    base: base.replace(/\/+$/, ''),
  }
}
