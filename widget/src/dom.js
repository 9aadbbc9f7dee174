// A tiny element builder. No innerHTML, no inline handlers, no style strings:
// everything goes through createElement/setAttribute/addEventListener, so the
// widget runs under a strict CSP (and Trusted Types).
import { ICONS } from './icons.js'

/** Wraps an event handler so an exception never reaches the host page. */
export const safe = (fn) => (e) => {
  try {
    fn(e)
  } catch {}
}

/**
 * h('button', {part: 'copy', click: fn}, 'Copy link'): function values become
 * listeners, `true` a boolean attribute, null/undefined/false are skipped.
 */
export const h = (tag, props, ...kids) => {
  const el = document.createElement(tag)
  for (const k in props) {
    const v = props[k]
    if (typeof v == 'function') el.addEventListener(k, safe(v))
    else if (v != null && v !== false) el.setAttribute(k, v === true ? '' : v)
  }
  el.append(...kids.filter((k) => k != null))
  return el
}

const svg = (tag) => document.createElementNS('http://www.w3.org/2000/svg', tag)

/** An inline 24×24 icon, hidden from assistive technology (the control has the name). */
export const icon = (name) => {
  const el = svg('svg')
  const [stroke, fill] = ICONS[name] || ICONS.share
  el.setAttribute('viewBox', '0 0 24 24')
  el.setAttribute('width', 20)
  el.setAttribute('height', 20)
  el.setAttribute('aria-hidden', 'true')
  for (const d of [stroke, fill]) {
    if (!d) continue
    const path = svg('path')
    path.setAttribute('d', d)
    if (d == fill) path.setAttribute('class', 'f')
    el.append(path)
  }
  return el
}
