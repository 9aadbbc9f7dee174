// The widget's surfaces, each in an open shadow root: inline cards in
// [data-shareback] mounts, or a floating launcher that opens the panel as a
// modal dialog; plus the friend's banner.
import CSS from './widget.css'
import { h, icon } from './dom.js'
import { strings } from './i18n.js'
import { sendEvent } from './api.js'
import { codeRow, fillPanel } from './panel.js'
import { away, hide, hideKey, offPage } from './launcher.js'

let sheet
const css = () => {
  if (!sheet) {
    sheet = new CSSStyleSheet()
    sheet.replaceSync(CSS)
  }
  return sheet
}

/** Attaches an open shadow root styled by the shared sheet; returns its root wrapper. */
const shadow = (host) => {
  const root = host.attachShadow({ mode: 'open' })
  try {
    root.adoptedStyleSheets = [css()]
  } catch {
    // Browsers without constructable stylesheets (Safari < 16.4).
    root.append(h('style', {}, CSS))
  }
  return root.appendChild(h('div', { class: 'r' }))
}

export const createApp = (cfg) => {
  const t = strings()
  const app = { cfg, t, data: null, adv: null, ev: (type, extra) => sendEvent(cfg, { type, ...extra }) }
  const seen = new WeakSet()
  let pending = []
  let float, dock, dialog, body, back, failed, wanted

  const floating = () => float || (float = shadow((dock = document.body.appendChild(document.createElement('shareback-root')))))

  const head = (...extra) => {
    const { headline, offer_text: offer } = app.data
    return [
      h('div', { class: 'hd' }, h('h2', { id: 'sb-t', part: 'title' }, headline), ...extra),
      offer && h('p', { part: 'offer', class: 'of' }, offer),
    ]
  }

  // Keeps Tab inside the open dialog; Escape closes it.
  const trap = (e) => {
    if (e.key == 'Escape') {
      e.preventDefault()
      dialog.close()
    }
    if (e.key != 'Tab') return
    const list = [...dialog.querySelectorAll('a,button,input')].filter((el) => el.getClientRects().length)
    const edge = e.shiftKey ? list[0] : list[list.length - 1]
    if (dialog.getRootNode().activeElement == edge) {
      e.preventDefault()
      ;(e.shiftKey ? list[list.length - 1] : list[0]).focus()
    }
  }

  const open = (from) => {
    if (!app.data) return (wanted = !failed)
    if (!dialog) {
      body = h('div', { part: 'body' })
      dialog = h('dialog', {
        part: 'dialog', 'aria-labelledby': 'sb-t', keydown: trap,
        // A click on the backdrop lands on the dialog itself.
        click: (e) => e.target == dialog && dialog.close(),
        close: () => back && back.focus(),
      }, h('div', { part: 'panel', class: 'pn' },
        ...head(h('button', { part: 'close', class: 'ib', 'aria-label': t.close, click: () => dialog.close() }, icon('close'))),
        body))
      floating().append(dialog)
    }
    if (dialog.open) return
    back = from || document.activeElement
    fillPanel(app, body)
    dialog.showModal()
    const main = body.querySelector('[data-f]')
    main && main.focus()
  }

  const fill = (card) => {
    if (failed) return (card.hidden = true)
    const panel = h('div', { part: 'body', hidden: true })
    const show = () => {
      start.remove()
      panel.hidden = false
      fillPanel(app, panel)
    }
    const start = h('button', { part: 'open', class: 'pr wide', click: show }, icon('gift'), t.invite)
    card.append(...head(), start, panel)
    // On the order confirmation the buyer's own link is the point: shown at once.
    if (app.cfg.thanks) show()
  }

  /** Renders into every [data-shareback] mount not rendered yet (SPA-safe). */
  const scan = () => {
    for (const el of document.querySelectorAll('[data-shareback]')) {
      if (seen.has(el)) continue
      seen.add(el)
      try {
        // The card reserves its height before the data arrives: no layout shift.
        pending.push(shadow(el).appendChild(h('section', { part: 'card', class: 'card', 'aria-labelledby': 'sb-t' })))
      } catch {}
    }
    if (app.data || failed) pending.splice(0).forEach(fill)
  }

  const banner = ({ message, code }) => {
    const text = h('p', {})
    const el = h('div', { part: 'banner', class: 'toast', role: 'status' }, icon('gift'),
      h('div', {}, text, ...(code ? codeRow(t, code, 'sb-fc', t.code) : [])),
      h('button', { part: 'dismiss', class: 'ib', 'aria-label': t.dismiss, click: () => el.remove() }, icon('close')))
    floating().append(el)
    // Filled after insertion so screen readers announce it.
    setTimeout(() => (text.textContent = message), 100)
  }

  return {
    open: () => open(),
    scan,
    ready(data) {
      app.data = data
      // The answer speaks the shopper's language: its labels over the English, before any paint.
      Object.assign(t, data.texts)
      cfg.lang = data.lang || cfg.lang
      const d = data.design || {}
      const key = hideKey(cfg)
      // The campaign's colours and radius: custom properties on every shadow host (one rule
      // in the shared sheet), ahead of the host page's --shareback-* and the defaults.
      try {
        const theme = Object.entries(d.theme || {})
        theme.length && css().insertRule(':host{' + theme.map(([k, v]) => '--sb-' + k + ':' + v).join(';') + '}')
      } catch {}
      scan()
      if (!document.querySelector('[data-shareback]') && !offPage(d, location.pathname) && !away(key, Date.now())) {
        const launcher = h('button', {
          part: 'launcher', class: 'launcher pr', 'aria-haspopup': 'dialog', 'aria-label': d.collapse && data.headline,
          click: () => open(launcher),
        }, icon('gift'), h('span', {}, data.headline))
        const wrap = h('div', { class: 'lw' + (d.position == 'start' ? ' ls' : '') + (d.collapse ? ' ic' : '') }, launcher,
          d.dismiss != null ? h('button', {
            part: 'hide', class: 'ib', 'aria-label': t.hide,
            click() {
              hide(key, d.dismiss, Date.now())
              wrap.remove()
              dock.removeAttribute('data-l')
            },
          }, icon('close')) : null)
        floating().append(wrap)
        // The host keeps room at the end of the page, so its last lines can scroll clear.
        dock.setAttribute('data-l', '')
      }
      if (data.friend && data.friend.message) banner(data.friend)
      if (wanted || (cfg.thanks && !document.querySelector('[data-shareback]'))) open()
    },
    fail() {
      failed = true
      scan()
    },
  }
}
