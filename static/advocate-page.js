// The advocate's page (/advocate): its copy buttons. The page works without it (the link and
// codes are plain text); this shows the buttons and copies. No inline script: the page's CSP
// allows scripts from this origin only.
;(() => {
  'use strict'
  const copy = async (text) => {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch (e) {
      return false
    }
  }
  const status = document.getElementById('copied')
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const source = document.getElementById(button.dataset.copy)
    if (!source) continue
    const label = button.textContent
    button.hidden = false
    button.addEventListener('click', async () => {
      const ok = await copy(source.textContent.trim())
      if (!ok) {
        // Selected, for Ctrl/⌘+C by hand.
        const range = document.createRange()
        range.selectNodeContents(source)
        getSelection().removeAllRanges()
        getSelection().addRange(range)
        return
      }
      button.textContent = button.dataset.copied
      if (status) status.textContent = button.dataset.copied
      setTimeout(() => {
        button.textContent = label
        if (status) status.textContent = ''
      }, 2000)
    })
  }
})()
