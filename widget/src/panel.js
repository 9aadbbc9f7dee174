// What the panel shows (in the dialog or an inline card): the e-mail form until
// the advocate is known, then the link, copy, share targets, native share, QR.
import { h, icon } from './dom.js'
import { targetLabel } from './i18n.js'
import { call, postAdvocate } from './api.js'
import { copyKey, copyText } from './clipboard.js'
import { SHARE, isIOS, withChannel } from './share-urls.js'

// One advocate per campaign, language and e-mail (empty for a typed-in
// address), kept for the tab's session so reopening does not refetch.
const cacheKey = ({ cfg }) => ['shareback', cfg.campaign, cfg.lang, cfg.email.toLowerCase()].join(':')

const cached = (app) => {
  try {
    const adv = JSON.parse(sessionStorage.getItem(cacheKey(app)))
    return adv && adv.link ? adv : null
  } catch {
    return null
  }
}

const request = (app, who) =>
  postAdvocate(app.cfg, who).then((adv) => {
    app.adv = adv
    Object.assign(app.t, adv.texts)
    try {
      sessionStorage.setItem(cacheKey(app), JSON.stringify(adv))
    } catch {}
    return adv
  })

/** Moves focus to the view's main control, unless the shopper is elsewhere. */
const focusMain = (body) => {
  const el = body.querySelector('[data-f]')
  const active = document.activeElement
  if (el && (!active || active == document.body || active == body.getRootNode().host)) el.focus()
}

/** A code to type at checkout: a read-only field with its own copy button. */
export const codeRow = (t, code, id, label, ev) => {
  const name = h('span', {}, t.copyCode)
  const field = h('input', { id, part: 'code', readonly: true, dir: 'ltr', value: code, focus: () => field.select() })
  let timer
  return [
    h('label', { for: id }, label),
    h('div', { class: 'row' }, field, h('button', {
      part: 'copy-code',
      click() {
        ev && ev()
        copyText(code, field.parentNode).then((ok) => {
          ok || field.focus()
          name.textContent = ok ? t.copied : copyKey() + '+C'
          clearTimeout(timer)
          timer = setTimeout(() => (name.textContent = t.copyCode), 2500)
        })
      },
    }, icon('copy'), name)),
  ]
}

export const fillPanel = (app, body) => {
  const { cfg, t } = app
  app.ev('open')
  const adv = app.adv || (app.adv = cached(app))
  if (adv) return showShare(app, body, adv)
  if (!cfg.email) return showForm(app, body)
  body.replaceChildren(h('p', { class: 'st', role: 'status' }, t.loading))
  request(app, { email: cfg.email, name: cfg.name, user_hash: cfg.hash, findable: cfg.findable }).then(
    (adv) => showShare(app, body, adv),
    (err) => showForm(app, body, err, cfg),
  )
}

const showForm = (app, body, err, pre = {}) => {
  const { t } = app
  let busy
  const msg = h('p', { id: 'sb-e', part: 'error', class: 'st er', 'aria-live': 'polite' })
  const email = h('input', {
    id: 'sb-m', part: 'input', type: 'email', name: 'email', autocomplete: 'email',
    required: true, 'aria-describedby': 'sb-e', 'data-f': true, value: pre.email,
  })
  const name = h('input', { id: 'sb-n', part: 'input', name: 'name', autocomplete: 'name', value: pre.name })
  const fail = (e) => {
    busy = 0
    msg.textContent = e.message || t.fail
    const field = e.field == 'name' ? name : email
    field.setAttribute('aria-invalid', 'true')
    field.focus()
  }
  const submit = (e) => {
    e.preventDefault()
    if (busy) return
    email.removeAttribute('aria-invalid')
    name.removeAttribute('aria-invalid')
    const value = email.value.trim()
    if (!value) return fail({ message: t.need })
    busy = 1
    msg.textContent = ''
    request(app, { email: value, name: name.value.trim() || undefined }).then((adv) => {
      showShare(app, body, adv)
      body.querySelector('[data-f]').focus()
    }, fail)
  }
  body.replaceChildren(
    h('form', { part: 'form', novalidate: true, submit },
      h('p', { class: 'of' }, t.intro),
      h('label', { for: 'sb-m' }, t.email), email, msg,
      h('label', { for: 'sb-n' }, t.name), name,
      h('button', { part: 'submit', class: 'pr wide', type: 'submit' }, t.submit)),
  )
  if (err) fail(err)
  focusMain(body)
}

const showShare = (app, body, adv) => {
  const { t, data, cfg } = app
  const { link, code, share = {}, qr, coupon_code: coupon } = adv
  const text = share.text || ''
  const ev = (type, channel) => app.ev(type, { channel, code })
  const opts = { subject: share.subject, ios: isIOS(navigator.userAgent, navigator.maxTouchPoints) }
  // The answer words the headline and offer as the advocate sees them: an A/B experiment's
  // variant, or the campaign targeting gave this shopper (its "campaign" may not be the tag's).
  if (adv.headline) {
    const box = body.parentNode
    const title = box.querySelector('[part=title]')
    const of = box.querySelector('[part=offer]')
    if (title) title.textContent = adv.headline
    if (of && adv.offer_text) of.textContent = adv.offer_text
  }

  const status = h('p', { part: 'status', class: 'st', 'aria-live': 'polite' })
  const field = h('input', { id: 'sb-l', part: 'link', readonly: true, dir: 'ltr', value: link, focus: () => field.select() })
  const copyLabel = h('span', {}, t.copy)
  let timer
  const copy = h('button', {
    part: 'copy', class: 'pr', 'data-f': true,
    click() {
      const url = withChannel(link, 'copy')
      ev('copy')
      copyText(url, body).then((ok) => {
        if (ok) {
          copyLabel.textContent = t.copied
          status.textContent = t.copiedMsg
          clearTimeout(timer)
          timer = setTimeout(() => (copyLabel.textContent = t.copy), 2500)
          copy.focus()
        } else {
          // Last resort: the shopper copies the selected link by hand.
          field.value = url
          field.focus()
          field.select()
          status.textContent = t.hint.replace('{k}', copyKey())
        }
      })
    },
  }, icon('copy'), copyLabel)

  // The advocate's answer orders the buttons (an experiment's variant may), else the campaign's.
  const targets = (adv.channels || data.channels || [])
    .filter((c) => SHARE[c])
    .map((c) => {
      const [name, label] = targetLabel(t, c)
      return h('li', {},
        h('a', {
          part: 'target target-' + c, class: 't ' + c, href: SHARE[c](text, withChannel(link, c), opts),
          target: '_blank', rel: 'noopener noreferrer', 'aria-label': label, click: () => ev('share', c),
        }, icon(c), name))
    })

  // navigator.share must run synchronously in the click: the link is known.
  const native = navigator.share &&
    h('button', {
      part: 'native',
      click() {
        ev('native')
        navigator.share({ title: data.headline, text, url: withChannel(link, 'native') }).catch(() => {})
      },
    }, icon('share'), t.native)

  // The QR image is fetched only when shown.
  const box = h('div', { id: 'sb-q', part: 'qr', class: 'qr', hidden: true })
  const qrLabel = h('span', {}, t.qr)
  const qrButton = qr &&
    h('button', {
      part: 'qr-toggle', 'aria-expanded': 'false', 'aria-controls': 'sb-q',
      click() {
        const show = box.hidden
        box.hidden = !show
        qrButton.setAttribute('aria-expanded', show)
        qrLabel.textContent = show ? t.qrHide : t.qr
        if (!show) return
        box.firstChild || box.append(h('img', { part: 'qr-image', src: qr.svg, width: 200, height: 200, alt: t.qrAlt }))
        ev('qr')
      },
    }, icon('qr'), qrLabel)

  // An identified shopper's own page: the view is a file of its own, fetched when asked for.
  const mine = adv.account_label &&
    h('button', {
      part: 'mine',
      click: () =>
        import(cfg.base + '/widget-account.js').then((m) => m.default({ app, body, h, call, back: () => showShare(app, body, adv) }), () => {}),
    }, icon('gift'), adv.account_label)

  body.replaceChildren(
    h('label', { for: 'sb-l', part: 'label' }, t.link),
    h('div', { class: 'row' }, field, copy),
    status,
    ...(coupon ? codeRow(t, coupon, 'sb-c', t.myCode, () => ev('copy', 'code')) : []),
    h('p', { id: 'sb-s', class: 'lb' }, t.shareLink),
    h('ul', { part: 'targets', role: 'list', 'aria-labelledby': 'sb-s' }, ...targets),
    h('div', { class: 'row ex' }, native, qrButton, mine),
    box,
  )
  focusMain(body)
}
