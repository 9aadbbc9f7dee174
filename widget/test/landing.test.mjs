// The friend's landing: reading `ref` from the URL, removing it, storing it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseRef, refCookie, takeRef, withoutRef } from '../src/landing.js'

const TOKEN = 'eyJjIjoiQU5OQS03S1EyIn0.Z1x2Yw.abc-DEF_123'

test('the ref token is read from the query string', () => {
  assert.equal(parseRef('?ref=' + TOKEN), TOKEN)
  assert.equal(parseRef('?utm_source=wa&ref=' + TOKEN + '&x=1'), TOKEN)
  assert.equal(parseRef('ref=ANNA-7KQ2'), 'ANNA-7KQ2')
  assert.equal(parseRef('?r%65f=' + TOKEN), TOKEN)
})

test('no ref, an empty ref or a malformed ref gives null', () => {
  for (const search of ['', '?', '?a=1', '?ref', '?ref=', '?reference=abc', '?xref=abc',
    '?ref=a%3Bb', '?ref=a;Path=/x', '?ref=%E0%A4%A', '?ref=' + 'a'.repeat(513), '?ref=a%20b']) {
    assert.equal(parseRef(search), null, search)
  }
})

test('removing ref keeps the other parameters exactly as written', () => {
  assert.equal(withoutRef('?ref=abc'), '')
  assert.equal(withoutRef('?a=1&ref=abc&b=%20x+y'), '?a=1&b=%20x+y')
  assert.equal(withoutRef('?ref=abc&utm_source=whatsapp'), '?utm_source=whatsapp')
  assert.equal(withoutRef('?a=1'), '?a=1')
  assert.equal(withoutRef(''), '')
})

test('takeRef strips ref from the visible URL and keeps the hash and history state', () => {
  const calls = []
  const hist = { state: { spa: 1 }, replaceState: (...args) => calls.push(args) }
  const loc = { pathname: '/shop/koffie', search: '?utm=wa&ref=' + TOKEN, hash: '#reviews' }
  assert.equal(takeRef(loc, hist), TOKEN)
  assert.deepEqual(calls, [[{ spa: 1 }, '', '/shop/koffie?utm=wa#reviews']])
})

test('takeRef leaves a URL without ref alone', () => {
  const calls = []
  const hist = { state: null, replaceState: (...args) => calls.push(args) }
  assert.equal(takeRef({ pathname: '/', search: '?a=1', hash: '' }, hist), null)
  assert.deepEqual(calls, [])
})

test('the cookie is first-party, Lax, for the attribution window, Secure on https', () => {
  assert.equal(refCookie(TOKEN, 30, false), `shareback_ref=${TOKEN}; Max-Age=2592000; Path=/; SameSite=Lax`)
  assert.equal(refCookie('A', 14, true), 'shareback_ref=A; Max-Age=1209600; Path=/; SameSite=Lax; Secure')
})
