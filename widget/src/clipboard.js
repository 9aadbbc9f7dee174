// Copy text: the async Clipboard API, then the legacy execCommand on a hidden
// textarea. Resolves false when both fail (the caller then selects the link
// and shows a Ctrl/⌘+C hint); never rejects.
export const copyText = async (text, parent) => {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {}
  const area = document.createElement('textarea')
  try {
    area.value = text
    area.className = 'vh'
    area.setAttribute('readonly', '')
    area.setAttribute('aria-hidden', 'true')
    parent.append(area)
    area.select()
    return document.execCommand('copy')
  } catch {
    return false
  } finally {
    area.remove()
  }
}

export const copyKey = () => (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? '⌘' : 'Ctrl')
