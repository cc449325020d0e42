import { abbreviations, contextual, titles } from './abbreviations'

/*
 * Sentence splitting for long texts: a sentence ends at . ! ? or … followed by space (and the next
 * starts with a capital, digit, quote or bracket), or at a blank line. Titles (Mr. Dr. St.) and single
 * initials (J.) never end one. A run with no ending longer than `maxChars` is cut at its last comma or
 * space inside the limit, so 100,000 characters without a full stop still come out in pieces.
 * One pass over the text: linear time.
 */

export function splitSentences(text: string, maxChars = 400): string[] {
  const sentences: string[] = []
  const push = (piece: string): void => {
    let rest = piece.trim()
    while (rest.length > maxChars) {
      const window = rest.slice(0, maxChars)
      const cut = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '))
      const at = cut > maxChars / 4 ? cut + 1 : window.lastIndexOf(' ') > maxChars / 4 ? window.lastIndexOf(' ') : maxChars
      sentences.push(rest.slice(0, at).trim())
      rest = rest.slice(at).trim()
    }
    if (rest) sentences.push(rest)
  }
  const ending = /([.!?…]+["')\]]*)(\s+)(?=["'([]?[\p{Lu}\p{N}])|\n\s*\n/gu
  let start = 0
  for (let m = ending.exec(text); m; m = ending.exec(text)) {
    if (m[1]) {
      const before = text.slice(Math.max(start, m.index - 12), m.index + m[1].length)
      const word = /\S+$/.exec(before)?.[0].toLowerCase() ?? ''
      const isAbbreviation = titles.has(word) || (Object.hasOwn(contextual, word) && !abbreviations[word]) || /^([a-z]\.)$/i.test(word)
      if (isAbbreviation && m[1] === '.') continue
    }
    push(text.slice(start, m.index + (m[1]?.length ?? 0)))
    start = m.index + m[0].length
  }
  push(text.slice(start))
  return sentences
}
