// The committed bundle: within the size budget, and what the sources build to.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const BUNDLE = here('../../static/widget.js')
const BUDGET = 8192
// The account view (src/account.js), imported only when an identified shopper opens it.
const ACCOUNT = here('../../static/widget-account.js')
const ACCOUNT_BUDGET = 2048

test(`static/widget.js gzipped stays within ${BUDGET} bytes`, () => {
  const size = gzipSync(readFileSync(BUNDLE), { level: 9 }).length
  assert.ok(size <= BUDGET, `${size} bytes gzipped, budget ${BUDGET}`)
})

test(`static/widget-account.js gzipped stays within ${ACCOUNT_BUDGET} bytes`, () => {
  const size = gzipSync(readFileSync(ACCOUNT), { level: 9 }).length
  assert.ok(size <= ACCOUNT_BUDGET, `${size} bytes gzipped, budget ${ACCOUNT_BUDGET}`)
})

test('static/widget.js and widget-account.js are the build of src/ (run `npm run build` when this fails)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shareback-'))
  try {
    const out = join(dir, 'widget.js')
    execFileSync(process.execPath, [here('../build.mjs'), '--outfile', out])
    assert.ok(readFileSync(out).equals(readFileSync(BUNDLE)), 'static/widget.js is stale')
    const account = join(dir, 'widget-account.js')
    assert.ok(readFileSync(account).equals(readFileSync(ACCOUNT)), 'static/widget-account.js is stale')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

for (const file of [BUNDLE, ACCOUNT]) {
  test(`${file.split('/').pop()} uses no eval, no Function constructor, no innerHTML, no style attributes`, () => {
    const js = readFileSync(file, 'utf8')
    for (const bad of ['eval(', 'new Function', 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', '.style.', 'cssText', 'setTimeout("']) {
      assert.ok(!js.includes(bad), bad)
    }
    // A style attribute could only come in through the element builder's props.
    assert.doesNotMatch(js, /[{,]style:/)
  })
}

test('the account view sets no cookie, calls no third party and reaches only the backend it came with', () => {
  const js = readFileSync(ACCOUNT, 'utf8')
  assert.ok(!js.includes('document.cookie'))
  assert.deepEqual([...js.matchAll(/https?:\/\/([\w.-]+)/g)].map((m) => m[1]), [])
  // The main bundle loads it from its own backend, only through import().
  assert.match(readFileSync(BUNDLE, 'utf8'), /import\(\w+\.base\+"\/widget-account\.js"\)/)
})

test('the bundle sets no cookie but shareback_ref and calls no third party', () => {
  const js = readFileSync(BUNDLE, 'utf8')
  const cookies = js.match(/document\.cookie=/g) || []
  assert.equal(cookies.length, 1)
  // Every absolute URL in the bundle is a share target, opened by the shopper.
  const hosts = new Set([...js.matchAll(/https?:\/\/([\w.-]+)/g)].map((m) => m[1]))
  const allowed = ['wa.me', 'www.facebook.com', 'x.com', 'www.linkedin.com', 't.me', 'www.w3.org']
  assert.deepEqual([...hosts].filter((h) => !allowed.includes(h)), [])
})
