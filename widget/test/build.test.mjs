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

test(`static/widget.js gzipped stays within ${BUDGET} bytes`, () => {
  const size = gzipSync(readFileSync(BUNDLE), { level: 9 }).length
  assert.ok(size <= BUDGET, `${size} bytes gzipped, budget ${BUDGET}`)
})

test('static/widget.js is the build of src/ (run `npm run build` when this fails)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shareback-'))
  try {
    const out = join(dir, 'widget.js')
    execFileSync(process.execPath, [here('../build.mjs'), '--outfile', out])
    assert.ok(readFileSync(out).equals(readFileSync(BUNDLE)), 'static/widget.js is stale')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the bundle uses no eval, no Function constructor, no innerHTML, no style attributes', () => {
  const js = readFileSync(BUNDLE, 'utf8')
  for (const bad of ['eval(', 'new Function', 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', '.style.', 'cssText', 'setTimeout("']) {
    assert.ok(!js.includes(bad), bad)
  }
  // A style attribute could only come in through the element builder's props.
  assert.doesNotMatch(js, /[{,]style:/)
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
