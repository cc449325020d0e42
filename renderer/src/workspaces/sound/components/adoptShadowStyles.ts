/**
 * Wavesurfer writes a <style> element into every shadow root it creates, which the app's CSP
 * (`style-src 'self'`, no inline styles) refuses with a violation report. A style element is only
 * applied (and checked) once it is connected to the page, so wavesurfer is created inside a detached
 * host and, before the host joins the page, each such element's text moves into a constructed
 * stylesheet: CSSOM, like the element.style properties wavesurfer sets everywhere else, which the CSP
 * allows.
 */
export function adoptShadowStyles(detachedHost: Element): void {
  if (detachedHost.isConnected) throw new Error('adoptShadowStyles needs a host that is not in the page yet.')
  for (const element of [detachedHost, ...detachedHost.querySelectorAll('*')]) {
    const shadow = element.shadowRoot
    if (!shadow) continue
    const sheets: CSSStyleSheet[] = []
    for (const style of shadow.querySelectorAll('style')) {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(style.textContent ?? '')
      sheets.push(sheet)
      style.remove()
    }
    if (sheets.length) shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, ...sheets]
  }
}
