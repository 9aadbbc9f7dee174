// Bundles src/main.js into one minified IIFE: ../static/widget.js, or the path
// given with --outfile (the Python test rebuilds into a temporary file and
// compares); and src/account.js into widget-account.js beside it. Same input,
// same bytes: no timestamps, no absolute paths.
import { build, transform } from 'esbuild'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const arg = process.argv.indexOf('--outfile')
const outfile = arg > 0 ? process.argv[arg + 1] : here('../static/widget.js')
const target = ['chrome100', 'edge100', 'firefox100', 'safari15']

// CSS is written as a normal stylesheet and inlined into the bundle as a
// minified string, adopted at run time as a constructable stylesheet.
const inlineCss = {
  name: 'inline-css',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async ({ path }) => {
      const { code } = await transform(await readFile(path, 'utf8'), { loader: 'css', minify: true, target })
      return { contents: code.trim(), loader: 'text' }
    })
  },
}

const common = { bundle: true, minify: true, target, legalComments: 'none', plugins: [inlineCss], logLevel: 'warning' }
await build({
  ...common,
  entryPoints: [here('src/main.js')],
  outfile,
  format: 'iife',
  banner: { js: '/*! Shareback widget | MIT */' },
})
// The account view, loaded with import() only when an identified shopper opens
// "My rewards": an ES module beside the bundle, widget-account.js.
await build({
  ...common,
  entryPoints: [here('src/account.js')],
  outfile: join(dirname(outfile), 'widget-account.js'),
  format: 'esm',
  banner: { js: '/*! Shareback widget: account view | MIT */' },
})
