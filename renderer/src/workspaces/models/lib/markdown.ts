import DOMPurify from 'dompurify'
import { Marked } from 'marked'

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/**
 * Our own Marked instance, so no other code's options or extensions change how model cards render. Raw
 * HTML in a card is shown as text: a model card is Markdown, and HTML with inline styles or handlers would
 * only meet the page's CSP (even in DOMPurify's parsing document, where Chromium reports it).
 */
const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
})

/** Markdown to HTML; raw HTML in the source comes out escaped. Sanitise before inserting (renderModelCard). */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false })
}

/**
 * Our own DOMPurify instance with the page's CSP in mind: no inline styles (style-src 'self' would refuse
 * them) and no images from anywhere but the page itself (img-src 'self' data: blob:), so a model card can
 * neither run script nor reach the network.
 */
let purifier: ReturnType<typeof DOMPurify> | null = null

function getPurifier(): ReturnType<typeof DOMPurify> | null {
  if (purifier) return purifier
  if (typeof window === 'undefined') return null
  const instance = DOMPurify(window)
  if (!instance.isSupported) return null
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'IMG') {
      const src = node.getAttribute('src') ?? ''
      if (!/^data:image\//i.test(src)) node.removeAttribute('src')
    }
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      // Navigation away from the app is refused by both doors; keep the address visible as a title instead.
      const href = node.getAttribute('href') ?? ''
      if (!href.startsWith('#')) {
        node.setAttribute('title', href)
        node.removeAttribute('href')
      }
    }
  })
  purifier = instance
  return purifier
}

/**
 * A model card (Markdown from card.md) as HTML safe to insert into the page. Without a DOM to sanitise
 * with (server-side rendering, unit tests) it answers an empty string: never unsanitised HTML.
 */
export function renderModelCard(markdown: string): string {
  const purify = getPurifier()
  if (!purify) return ''
  return purify.sanitize(markdownToHtml(markdown), {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style', 'srcset'],
  })
}
