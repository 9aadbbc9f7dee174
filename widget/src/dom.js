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

/** Sets attributes; function values become listeners, `true` a boolean attribute, null/false are skipped. */
const set = (el, props) => {
  for (const k in props) {
    const v = props[k]
    if (typeof v == 'function') el.addEventListener(k, safe(v))
    else if (v != null && v !== false) el.setAttribute(k, v === true ? '' : v)
  }
  return el
}

/** h('button', {part: 'copy', click: fn}, 'Copy link'): an element with attributes and children. */
export const h = (tag, props, ...kids) => {
  const el = set(document.createElement(tag), props)
  el.append(...kids.filter((k) => k != null))
  return el
}

const svg = (tag, props) => set(document.createElementNS('http://www.w3.org/2000/svg', tag), props)

/** An inline 24×24 icon, hidden from assistive technology (the control has the name). */
export const icon = (name) => {
  const el = svg('svg', { viewBox: '0 0 24 24', width: 20, height: 20, 'aria-hidden': 'true' })
  ;(ICONS[name] || ICONS.share).forEach((d, i) => d && el.append(svg('path', { d, class: i ? 'f' : null })))
  return el
}
