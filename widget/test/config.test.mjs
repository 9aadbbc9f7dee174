// Configuration from the script tag, locale choice, API URLs, labels.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readConfig } from '../src/config.js'
import { pickLang, strings, targetLabel } from '../src/i18n.js'
import { widgetUrl } from '../src/api.js'

const doc = (lang = '') => ({ baseURI: 'https://shop.test/p', documentElement: { lang } })
const script = (dataset) => ({ src: 'https://refer.example.com/widget.js?v=1', dataset })

test('the API base is the origin of the script unless data-api says otherwise', () => {
  assert.equal(readConfig(script({}), doc()).base, 'https://refer.example.com')
  assert.equal(readConfig(script({ api: 'https://api.test/sb/' }), doc()).base, 'https://api.test/sb')
})

test('identity and campaign come from data attributes', () => {
  const cfg = readConfig(script({ campaign: 'spring', email: ' anna@example.com ', name: 'Anna', userHash: 'ab12' }), doc())
  assert.equal(cfg.campaign, 'spring')
  assert.equal(cfg.email, 'anna@example.com')
  assert.equal(cfg.name, 'Anna')
  assert.equal(cfg.hash, 'ab12')
  const anonymous = readConfig(script({}), doc())
  assert.equal(anonymous.campaign, 'default')
  assert.equal(anonymous.email, '')
  assert.equal(anonymous.findable, undefined) // nobody is findable unless they chose it
})

test('data-findable says whether the shopper chose to be found in the referrer look-up', () => {
  assert.equal(readConfig(script({ findable: 'true' }), doc()).findable, true)
  assert.equal(readConfig(script({ findable: 'false' }), doc()).findable, false)
  assert.equal(readConfig(script({ findable: 'yes please' }), doc()).findable, false)
})

test('data-placement="thank-you" marks the order confirmation, nothing else does', () => {
  assert.equal(readConfig(script({ placement: 'thank-you' }), doc()).thanks, true)
  assert.equal(readConfig(script({ placement: 'product' }), doc()).thanks, false)
  assert.equal(readConfig(script({}), doc()).thanks, false)
})

test('the language asked for comes from data-lang, else <html lang>, else the browser (empty)', () => {
  assert.equal(pickLang('nl', 'en'), 'nl')
  assert.equal(pickLang('en', 'nl'), 'en')
  assert.equal(pickLang('de', 'nl'), 'de')
  assert.equal(pickLang(undefined, 'nl-NL'), 'nl')
  assert.equal(pickLang('', 'nl_BE'), 'nl')
  assert.equal(pickLang(undefined, 'fr-CA'), 'fr')
  assert.equal(pickLang(undefined, 'DE-at'), 'de')
  assert.equal(pickLang(undefined, 'nld'), 'nld') // the server maps what it does not speak
  assert.equal(pickLang(undefined, 'english'), '')
  assert.equal(pickLang(undefined, ''), '')
  assert.equal(readConfig(script({}), doc('NL')).lang, 'nl')
  assert.equal(readConfig(script({ lang: 'fr' }), doc('de')).lang, 'fr')
})

test('the widget call carries lang and, after a referral link, ref', () => {
  const cfg = readConfig(script({ campaign: 'a b' }), doc('nl'))
  assert.equal(widgetUrl(cfg), 'https://refer.example.com/api/v1/campaigns/a%20b/widget?lang=nl')
  assert.equal(widgetUrl(cfg, 'T.k-1'), 'https://refer.example.com/api/v1/campaigns/a%20b/widget?lang=nl&ref=T.k-1')
})

test('share targets have the exact English accessible names', () => {
  const en = strings()
  assert.deepEqual(targetLabel(en, 'whatsapp'), ['WhatsApp', 'Share on WhatsApp'])
  assert.deepEqual(targetLabel(en, 'x'), ['X', 'Share on X'])
  assert.equal(targetLabel(en, 'facebook')[1], 'Share on Facebook')
  assert.equal(targetLabel(en, 'linkedin')[1], 'Share on LinkedIn')
  assert.equal(targetLabel(en, 'telegram')[1], 'Share on Telegram')
  assert.equal(targetLabel(en, 'email')[1], 'Share by e-mail')
  assert.equal(targetLabel(en, 'sms')[1], 'Share by SMS')
})

test('an answer\'s texts word the labels, the network name where its language puts it', () => {
  const de = Object.assign(strings(), { on: 'Auf {n} teilen', mail: ['E-Mail', 'Per E-Mail teilen'] })
  assert.deepEqual(targetLabel(de, 'whatsapp'), ['WhatsApp', 'Auf WhatsApp teilen'])
  assert.deepEqual(targetLabel(de, 'email'), ['E-Mail', 'Per E-Mail teilen'])
  assert.equal(targetLabel(de, 'sms')[1], 'Share by SMS') // a label the answer left out stays English
  assert.equal(strings().on, 'Share on {n}') // every app gets its own copy of the English
})

test('the bundle carries English only', () => {
  assert.equal(strings().copy, 'Copy link')
  assert.ok(!Object.values(strings()).flat().some((s) => /Kopieer|Deel via|Vrienden/.test(s)))
})
