// The floating launcher's rules: pages it stays off, and the shopper's "hide", with storage
// that works, and storage that is missing or throws (private modes, blocked site data).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { away, hide, hideKey, offPage } from '../src/launcher.js'

// What the backend sends for the owner's "/checkout*" and "/cart" (shareback/design.py).
const d = { hide: '^(?:/checkout.*|/cart)/?$' }

test('the launcher stays off the pages the owner listed, and only those', () => {
  for (const path of ['/checkout', '/checkout/address', '/cart', '/cart/']) assert.ok(offPage(d, path), path)
  for (const path of ['/', '/carts', '/product/cart', '/my/checkout']) assert.ok(!offPage(d, path), path)
  assert.equal(offPage({}, '/checkout'), false)
  assert.equal(offPage({ hide: null }, '/checkout'), false)
})

const storage = () => ({ localStorage: {}, sessionStorage: {} })
const key = hideKey({ campaign: 'spring' })
const DAY = 864e5

test('hidden for some days is remembered until then, per campaign', () => {
  const w = storage()
  const now = 1_700_000_000_000
  assert.equal(away(key, now, w), false)
  hide(key, 3, now, w)
  assert.equal(away(key, now + 3 * DAY - 1, w), true)
  assert.equal(away(key, now + 3 * DAY + 1, w), false)
  assert.equal(away(hideKey({ campaign: 'other' }), now, w), false)
  assert.deepEqual(w.sessionStorage, {})
})

test('hidden for 0 days lasts as long as the tab', () => {
  const w = storage()
  hide(key, 0, 1, w)
  assert.equal(away(key, 10 * DAY, w), true)
  assert.deepEqual(w.localStorage, {})
  assert.equal(away(key, 1, storage()), false) // a new tab
})

test('without usable storage the launcher simply shows again, and nothing throws', () => {
  const blocked = {
    get localStorage() {
      throw new Error('SecurityError')
    },
    get sessionStorage() {
      throw new Error('SecurityError')
    },
  }
  assert.doesNotThrow(() => hide(key, 3, 1, blocked))
  assert.doesNotThrow(() => hide(key, 0, 1, blocked))
  assert.equal(away(key, 1, blocked), false)
  assert.equal(away(key, 1, {}), false) // no storage at all
})
