// The advocate's own page inside the widget (static/widget-account.js), loaded
// only when an identified shopper opens "My rewards": their link and codes,
// clicks by channel, friends who ordered (masked by the backend), rewards,
// store credit, tier and progress. The backend words everything (the answer's
// `labels`, `progress`, `state`…), so this file carries no language of its own.
// The main bundle hands over its own helpers (kit), so nothing is bundled twice.
import CSS from './account.css'

let sheet

/** kit: {app, body, h, call, back}; renders into body, in the panel's shadow root. */
export default ({ app, body, h, call, back }) => {
  const { cfg, t } = app
  const root = body.getRootNode()
  try {
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(CSS)
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
  } catch {}
  const ret = (label) => h('button', { part: 'back', class: 'bk', 'data-f': true, click: back }, label || t.close)
  body.replaceChildren(h('p', { class: 'st', role: 'status' }, t.loading))
  return call(cfg.base + '/api/v1/advocates/account', { campaign: cfg.campaign, lang: cfg.lang, email: cfg.email, user_hash: cfg.hash }).then(
    (d) => {
      let c
      const L = d.labels
      const list = (items, row) =>
        items.length ? h('ul', { role: 'list' }, ...items.map((x) => h('li', {}, ...row(x)))) : h('p', { class: 'st' }, L.none)
      const part = (title, ...kids) => h('section', { 'aria-label': title }, h('h3', {}, title), ...kids)
      const codes = [d.code, d.coupon_code, ...d.link_codes, ...d.reward_coupons].filter(Boolean)
      body.replaceChildren(
        h('div', { part: 'account', class: 'ac' },
          h('div', { class: 'ah' }, h('h3', { id: 'sb-a' }, L.title), ret(L.back)),
          d.tier_text || d.progress.length
            ? h('div', { part: 'progress', class: 'pg' },
                d.tier_text && h('p', {}, L.tier + ': ', h('strong', {}, d.tier_text)),
                ...d.progress.map((line) => h('p', {}, line)))
            : null,
          part(L.link, h('p', { class: 'lk', dir: 'ltr' }, d.link)),
          part(L.codes, list(codes, (c) => [h('code', { dir: 'ltr' }, c)])),
          part(L.clicks, list(d.clicks, (c) => [h('span', {}, c.label), h('strong', {}, '' + c.clicks)])),
          part(L.friends, list(d.friends, (f) => [h('span', { dir: 'ltr' }, f.friend), h('span', { class: 'st' }, f.day + ' · ' + f.state_text)])),
          part(L.rewards, list(d.rewards, (r) => [h('span', {}, r.description), h('span', {}, h('strong', {}, r.state), r.when ? ' ' + r.when : '')])),
          d.credit && part(L.credit, h('p', { class: 'cr' }, d.credit.text)),
          (c = d.contest) && part(c.title, h('p', { class: 'st' }, c.ends_text), h('ol', { class: 'lb' }, ...c.leaders.map((l) => h('li', {}, h('span', {}, l.name), h('span', {}, l.friends_text)))), h('p', {}, h('strong', {}, c.you_text))),
        ),
      )
      body.querySelector('[data-f]').focus()
    },
    (e) => {
      body.replaceChildren(h('p', { class: 'st er', role: 'alert' }, e.message || t.fail), ret())
      body.querySelector('[data-f]').focus()
    },
  )
}
