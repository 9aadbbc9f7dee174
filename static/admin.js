// Shareback dashboard: small enhancements on server-rendered pages. Everything works without
// it; it adds copy buttons, select-all, a live activity feed, the live widget preview and
// confirmations. No inline handlers: the page's CSP allows scripts from this origin only.
;(() => {
  'use strict'
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel))

  // In the widget preview: forget the sample advocate the widget cached for this tab, so a
  // preview never shows the share texts of an earlier version of the form.
  if (document.documentElement.hasAttribute('data-preview')) {
    // Nor a floating button the owner hid in an earlier preview.
    try {
      for (const store of [sessionStorage, localStorage]) {
        for (const key of Object.keys(store)) {
          if (key.startsWith('shareback:') || key.startsWith('shareback-hide:')) store.removeItem(key)
        }
      }
    } catch (e) {}
    return
  }

  const live = () => {
    let region = document.getElementById('admin-live')
    if (!region) {
      region = document.createElement('div')
      region.id = 'admin-live'
      region.className = 'visually-hidden'
      region.setAttribute('role', 'status')
      document.body.append(region)
    }
    return region
  }
  const announce = (text) => {
    const region = live()
    region.textContent = ''
    setTimeout(() => (region.textContent = text), 50)
  }

  const copyText = async (text) => {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch (e) {
      const area = document.createElement('textarea')
      area.value = text
      area.setAttribute('readonly', '')
      area.className = 'visually-hidden'
      document.body.append(area)
      area.select()
      let ok = false
      try {
        ok = document.execCommand('copy')
      } catch (e2) {}
      area.remove()
      return ok
    }
  }

  // The page's words for what this script says, in the dashboard's language (base.html puts
  // them on <body data-words>); English when a page has none.
  const words = (() => {
    try {
      return JSON.parse(document.body.dataset.words || '{}')
    } catch (e) {
      return {}
    }
  })()
  const say = (key, fallback) => words[key] || fallback

  const start = () => {
    // Copy buttons: data-copy="id" of an input (its value) or any element (its text).
    for (const button of $$('[data-copy]')) {
      const original = [...button.childNodes]
      button.addEventListener('click', async () => {
        const source = document.getElementById(button.dataset.copy)
        if (!source) return
        const text = 'value' in source ? source.value : source.textContent
        const ok = await copyText(text)
        button.textContent = ok ? say('copied', 'Copied') : say('pressCopy', 'Press Ctrl+C')
        announce(
          ok
            ? say('copiedLong', 'Copied to the clipboard')
            : say('copyFailed', 'Copying failed; select the text and press Ctrl+C')
        )
        if (!ok && source.select) source.select()
        setTimeout(() => button.replaceChildren(...original), 2000)
      })
    }

    // Show / hide a secret.
    for (const button of $$('[data-reveal-toggle]')) {
      const input = document.getElementById(button.dataset.revealToggle)
      if (!input) continue
      const label = button.querySelector('.visually-hidden')
      button.addEventListener('click', () => {
        const shown = input.type === 'text'
        input.type = shown ? 'password' : 'text'
        button.setAttribute('aria-pressed', String(!shown))
        button.firstChild.textContent = shown ? say('show', 'Show') : say('hide', 'Hide')
        if (label) button.append(label)
      })
    }

    // Forms that ask before doing something that cannot be undone.
    for (const form of $$('form[data-confirm]')) {
      form.addEventListener('submit', (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault()
      })
    }

    // Rewards: select all on the page, and say how many are selected.
    const all = document.querySelector('[data-select-all]')
    const count = document.querySelector('[data-selected-count]')
    if (all) {
      const boxes = $$('input[name="reward"], input[name="customer"]')
      const update = () => {
        const n = boxes.filter((box) => box.checked).length
        all.checked = n > 0 && n === boxes.length
        all.indeterminate = n > 0 && n < boxes.length
        if (count) {
          const text = n === 1 ? say('selectedOne', '1 selected') : say('selectedMany', '{n} selected')
          count.textContent = n ? text.replace('{n}', String(n)) : say('select', 'Select rewards')
        }
      }
      all.addEventListener('change', () => {
        for (const box of boxes) box.checked = all.checked
        update()
      })
      for (const box of boxes) box.addEventListener('change', update)
      update()
    }

    // Activity feed: refreshed every 20 seconds while the tab is visible.
    const feed = document.querySelector('[data-poll]')
    if (feed && window.fetch && window.DOMParser) {
      const refresh = async () => {
        if (document.hidden) return
        try {
          const response = await fetch(feed.dataset.poll, { credentials: 'same-origin' })
          if (!response.ok) return
          const doc = new DOMParser().parseFromString(await response.text(), 'text/html')
          const fresh = doc.querySelector('.feed')
          const current = document.querySelector('[data-poll]')
          if (fresh && current) current.replaceChildren(...fresh.childNodes)
        } catch (e) {}
      }
      setInterval(refresh, 20000)
      document.addEventListener('visibilitychange', refresh)
    }

    // Campaign editor: the preview follows the form (after a pause in typing).
    const form = document.querySelector('[data-preview-form]')
    if (form) {
      const frames = $$('iframe[data-preview-lang]')
      let timer
      const reload = () => {
        const params = new URLSearchParams()
        for (const field of $$('[data-preview-field]', form)) params.set(field.name, field.value)
        for (const frame of frames) {
          const url = `${frame.dataset.previewBase}&lang=${frame.dataset.previewLang}&${params}`
          if (frame.getAttribute('src') !== url) frame.setAttribute('src', url)
        }
      }
      form.addEventListener('input', (event) => {
        if (!event.target.hasAttribute('data-preview-field')) return
        clearTimeout(timer)
        timer = setTimeout(reload, 450)
      })
      form.addEventListener('change', (event) => {
        if (event.target.hasAttribute('data-preview-field')) reload()
      })
    }

    // Widget designer: the previews load the real widget with the form's settings (after a
    // pause in typing); each colour field has a picker beside it, kept in step both ways.
    const design = document.querySelector('[data-design-form]')
    if (design) {
      const frames = $$('iframe[data-design-preview]')
      const base = document.querySelector('[data-design-base]').value
      const lang = document.querySelector('[data-design-lang]')
      let timer
      const reload = () => {
        const params = new URLSearchParams()
        for (const [name, value] of new FormData(design)) if (name !== 'csrf') params.append(name, value)
        for (const frame of frames) {
          const url = `${base}&lang=${lang.value}&view=${frame.dataset.designPreview}&${params}`
          if (frame.getAttribute('src') !== url) frame.setAttribute('src', url)
        }
      }
      const later = () => {
        clearTimeout(timer)
        timer = setTimeout(reload, 350)
      }
      for (const picker of $$('input[data-colour-for]', design)) {
        const text = document.getElementById(picker.dataset.colourFor)
        picker.addEventListener('input', () => {
          text.value = picker.value
          later()
        })
        text.addEventListener('input', () => {
          if (/^#[0-9a-f]{6}$/i.test(text.value.trim())) picker.value = text.value.trim().toLowerCase()
        })
      }
      design.addEventListener('input', later)
      design.addEventListener('change', later)
      lang.addEventListener('change', reload)
    }

    // After a failed form post, take the keyboard to the list of problems.
    const summary = document.querySelector('.error-summary')
    if (summary) summary.focus()
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
