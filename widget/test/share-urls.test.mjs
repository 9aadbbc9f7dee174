// Every share URL against the table in WIDGET.md.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SHARE, fit, isIOS, pinterestUrl, withChannel } from '../src/share-urls.js'

const LINK = 'http://127.0.0.1:8000/r/ANNA-7KQ2'
const TEXT = 'Ik ben fan van Brandpunt Koffie! Met mijn link krijg je 10% korting:'
const url = (ch) => withChannel(LINK, ch)
const params = (href) => new URL(href).searchParams

test('the channel is appended to the referral link', () => {
  assert.equal(withChannel(LINK, 'whatsapp'), LINK + '?ch=whatsapp')
  assert.equal(withChannel(LINK + '?x=1', 'sms'), LINK + '?x=1&ch=sms')
})

test('WhatsApp carries the message with the link in text', () => {
  const href = SHARE.whatsapp(TEXT, url('whatsapp'), {})
  assert.equal(href, 'https://wa.me/?text=' + encodeURIComponent(TEXT + ' ' + LINK + '?ch=whatsapp'))
  assert.equal(params(href).get('text'), TEXT + ' ' + LINK + '?ch=whatsapp')
})

test('Facebook gets only the URL in u', () => {
  const href = SHARE.facebook(TEXT, url('facebook'), {})
  assert.equal(href, 'https://www.facebook.com/sharer/sharer.php?u=' + encodeURIComponent(LINK + '?ch=facebook'))
  assert.deepEqual([...params(href).keys()], ['u'])
})

test('X gets text and url', () => {
  const href = SHARE.x(TEXT, url('x'), {})
  assert.ok(href.startsWith('https://x.com/intent/tweet?text='))
  assert.equal(params(href).get('text'), TEXT)
  assert.equal(params(href).get('url'), LINK + '?ch=x')
})

test('X trims a long text so text and link fit in 280 characters', () => {
  const long = 'Koffie! '.repeat(60)
  const p = params(SHARE.x(long, url('x'), {}))
  const total = [...p.get('text')].length + 1 + p.get('url').length
  assert.ok(total <= 280, `${total} > 280`)
  assert.ok(p.get('text').endsWith('…'))
  assert.ok(long.startsWith(p.get('text').slice(0, -1)))
})

test('trimming never splits an emoji', () => {
  const text = '☕'.repeat(50) + '😀'.repeat(300)
  const cut = fit(text, 'https://x.test/r/A', 280)
  assert.ok([...cut].length + 1 + 'https://x.test/r/A'.length <= 280)
  assert.doesNotThrow(() => encodeURIComponent(cut))
  assert.equal(fit('short', 'https://x.test', 280), 'short')
})

test('LinkedIn honours only url', () => {
  const href = SHARE.linkedin(TEXT, url('linkedin'), {})
  assert.equal(href, 'https://www.linkedin.com/sharing/share-offsite/?url=' + encodeURIComponent(LINK + '?ch=linkedin'))
  assert.deepEqual([...params(href).keys()], ['url'])
})

test('Telegram gets url and text', () => {
  const href = SHARE.telegram(TEXT, url('telegram'), {})
  assert.ok(href.startsWith('https://t.me/share/url?url='))
  assert.equal(params(href).get('url'), LINK + '?ch=telegram')
  assert.equal(params(href).get('text'), TEXT)
})

test('e-mail uses %20 for spaces and %0D%0A for line breaks, never +', () => {
  const href = SHARE.email(TEXT, url('email'), { subject: '10% korting bij Brandpunt Koffie' })
  assert.ok(href.startsWith('mailto:?subject=10%25%20korting%20bij%20Brandpunt%20Koffie&body='))
  assert.ok(!href.includes('+'))
  assert.ok(href.includes('%20'))
  assert.ok(href.includes('%0D%0A%0D%0A' + encodeURIComponent(LINK + '?ch=email')))
  const body = decodeURIComponent(href.split('&body=')[1])
  assert.equal(body, TEXT + '\r\n\r\n' + LINK + '?ch=email')
})

test('a plus sign in the text is encoded, not read as a space', () => {
  const href = SHARE.email('1 + 1', LINK, { subject: 'a+b' })
  assert.ok(href.includes('subject=a%2Bb'))
  assert.ok(href.includes('body=1%20%2B%201'))
})

test('SMS uses sms:?body= on Android and sms:&body= on iOS', () => {
  const body = encodeURIComponent(TEXT + ' ' + LINK + '?ch=sms')
  assert.equal(SHARE.sms(TEXT, url('sms'), { ios: false }), 'sms:?body=' + body)
  assert.equal(SHARE.sms(TEXT, url('sms'), { ios: true }), 'sms:&body=' + body)
})

test('iOS is recognised by iPhone, iPad and touch-screen Macintosh', () => {
  assert.ok(isIOS('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', 5))
  assert.ok(isIOS('Mozilla/5.0 (iPad; CPU OS 12_0 like Mac OS X)', 5))
  assert.ok(isIOS('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 5))
  assert.ok(!isIOS('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 0))
  assert.ok(!isIOS('Mozilla/5.0 (Linux; Android 14; Pixel 8)', 5))
})

test('Pinterest gets url, media and description', () => {
  const href = pinterestUrl(TEXT, LINK, 'https://shop.test/a.png')
  assert.ok(href.startsWith('https://www.pinterest.com/pin/create/button/?url='))
  assert.equal(params(href).get('media'), 'https://shop.test/a.png')
  assert.equal(params(href).get('description'), TEXT)
})

test('every value is percent-encoded: no raw &, # or space leaks into a URL', () => {
  const nasty = 'A & B #1 ?x=y'
  for (const [name, build] of Object.entries(SHARE)) {
    const href = build(nasty, LINK + '?a=1&ch=' + name, { subject: nasty, media: LINK })
    assert.ok(!href.includes(' '), name)
    assert.ok(!href.includes('#'), name)
    assert.ok(!href.includes('A & B'), name)
  }
})
