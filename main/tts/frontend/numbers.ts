/*
 * Numbers as English words (American usage, as festival's US voices speak): cardinals without "and"
 * ("one hundred five"), ordinals, years in pairs ("nineteen eighty four", "two thousand five",
 * "twenty twenty four"), digits one by one after a decimal point, and clock times.
 */

const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen']
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']
const scales = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion']

function belowThousand(n: number): string[] {
  const words: string[] = []
  if (n >= 100) words.push(ones[Math.floor(n / 100)]!, 'hundred')
  const rest = n % 100
  if (rest === 0) return words
  if (rest < 20) words.push(ones[rest]!)
  else words.push(tens[Math.floor(rest / 10)]!, ...(rest % 10 ? [ones[rest % 10]!] : []))
  return words
}

/** A whole number 0 <= n < 10^18 as words; longer digit strings are read digit by digit. */
export function cardinal(digits: string): string[] {
  const clean = digits.replace(/^0+(?=\d)/, '')
  if (clean.length > 18) return digitByDigit(clean)
  if (/^0+$/.test(clean)) return ['zero']
  const words: string[] = []
  const groups: number[] = []
  for (let end = clean.length; end > 0; end -= 3) groups.unshift(Number(clean.slice(Math.max(0, end - 3), end)))
  groups.forEach((group, i) => {
    if (group === 0) return
    const scale = scales[groups.length - 1 - i]!
    words.push(...belowThousand(group), ...(scale ? [scale] : []))
  })
  return words
}

export function digitByDigit(digits: string): string[] {
  return [...digits].filter((c) => c >= '0' && c <= '9').map((c) => ones[Number(c)]!)
}

const irregularOrdinals: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
}

/** The last word made ordinal: twenty one -> twenty first, twelve -> twelfth, forty -> fortieth. */
export function ordinal(digits: string): string[] {
  const words = cardinal(digits)
  const last = words.pop()!
  const made = irregularOrdinals[last] ?? (last.endsWith('y') ? last.slice(0, -1) + 'ieth' : last + 'th')
  return [...words, made]
}

/** A year as people say it: 1984 nineteen eighty four, 1900 nineteen hundred, 2005 two thousand five, 2024 twenty twenty four. */
export function year(digits: string): string[] {
  const n = Number(digits)
  if (digits.length !== 4 || n < 1000) return cardinal(digits)
  if (n >= 2000 && n <= 2009) return cardinal(digits)
  const high = Math.floor(n / 100)
  const low = n % 100
  if (low === 0) return [...cardinal(String(high)), 'hundred']
  return [...cardinal(String(high)), ...(low < 10 ? ['oh', ones[low]!] : cardinal(String(low)))]
}

/** A decimal: 3.14 -> three point one four; the whole part as a cardinal (commas allowed). */
export function decimal(text: string): string[] {
  const [whole = '0', fraction = ''] = text.replace(/,/g, '').split('.')
  return [...cardinal(whole || '0'), 'point', ...digitByDigit(fraction)]
}

/** A clock time: 10:30 ten thirty, 10:00 ten o'clock, 9:05 nine oh five, 14:00 fourteen hundred. */
export function clockTime(hours: string, minutes: string): string[] {
  const h = Number(hours)
  const m = Number(minutes)
  const hourWords = cardinal(String(h))
  if (m === 0) return h > 12 ? [...hourWords, 'hundred'] : [...hourWords, "o'clock"]
  return [...hourWords, ...(m < 10 ? ['oh', ones[m]!] : cardinal(String(m)))]
}
