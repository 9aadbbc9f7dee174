// Entry point: <script src=".../widget.js" data-campaign="default" async>.
// Reads the tag, takes a landing `ref` out of the URL, makes the one API call
// of page load, and renders when both the data and the DOM are there.
import { readConfig } from './config.js'
import { call, widgetUrl } from './api.js'
import { storeRef, storedCode, storedRef, takeRef } from './landing.js'
import { safe } from './dom.js'
import { createApp } from './ui.js'

const start = () => {
  // The only global. Set first, so a second copy of the script does nothing.
  const api = (window.Shareback = { open() {}, mount() {}, ref: storedRef, code: storedCode })
  const script = document.currentScript || document.querySelector('script[data-campaign][src*="widget"]')
  const cfg = readConfig(script, document)
  const app = createApp(cfg)
  api.open = safe(app.open)
  api.mount = safe(app.scan)

  const ref = takeRef(location, history)
  const whenDom = (fn) =>
    document.readyState == 'loading' ? document.addEventListener('DOMContentLoaded', safe(fn)) : fn()
  whenDom(app.scan)
  call(widgetUrl(cfg, ref))
    .then(
      (data) => {
        // The window comes from the campaign; a token the backend rejected is not kept.
        if (ref && !/^(invalid|expired)$/.test(data.ref)) storeRef(ref, data.attribution_days || 30, data.friend && data.friend.code)
        whenDom(() => app.ready(data))
      },
      () => {
        if (ref) storeRef(ref, 30)
        whenDom(app.fail)
      },
    )
    .catch(() => {})
}

if (!window.Shareback) {
  try {
    start()
  } catch {}
}
