import { abbreviations, contextual, currencies, months, separators, symbols, units } from './abbreviations'
import { lookupWord } from './lexicon'
import { cardinal, clockTime, decimal, digitByDigit, ordinal, year } from './numbers'

/*
 * Text normalisation: one sentence of written text to the words a speaker says, each with the text it
 * came from and how it was read, plus phrase breaks from punctuation. Emoji and letters of scripts other
 * than Latin are skipped with a notice (no pronunciation for them here); accents are dropped (café -> cafe).
 * Readings, American as festival's US voices: "$3.50" three dollars and fifty cents, "12 May 2024" twelfth
 * may twenty twenty four, "10:30" ten thirty, "Dr. Smith" doctor smith, "Baker St." baker street,
 * "www.example.com" w w w dot example dot com, 4-digit numbers from 1100 to 2099 as years.
 */

export type Reading =
  | 'word' | 'number' | 'ordinal' | 'year' | 'decimal' | 'date' | 'time' | 'currency' | 'percent' | 'abbreviation'
  | 'unit' | 'symbol' | 'url' | 'email' | 'letters' | 'range'

export interface NormalisedWord {
  kind: 'word'
  /** What is said, lower case: a dictionary key, or a single letter when `spell`. */
  text: string
  /** The written token it came from. */
  from: string
  reading: Reading
  /** Said as a letter name (b -> bee), not as a word. */
  spell?: boolean
}

export interface PhraseBreak {
  kind: 'break'
  /** minor: comma, semicolon, colon, dash, brackets; major: . ! ? */
  strength: 'minor' | 'major'
}

export type NormalisedItem = NormalisedWord | PhraseBreak

export interface Notice {
  /** The characters skipped. */
  text: string
  reason: string
}

const scriptNames = ['Cyrillic', 'Greek', 'Han', 'Arabic', 'Hebrew', 'Devanagari', 'Hiragana', 'Katakana', 'Hangul', 'Thai', 'Armenian', 'Georgian', 'Bengali', 'Tamil', 'Ethiopic']
const scriptTests = scriptNames.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const)
const emoji = /(?:[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}][\u{FE0F}\u{200D}\u{20E3}\u{E0020}-\u{E007F}]*)+/gu
const otherScript = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}\s]+/gu
const latinLetters: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'Ae', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'Oe', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', þ: 'th', Þ: 'Th', ð: 'd', ı: 'i' }

/** Emoji and other scripts out (with notices), accents off, quotes and dashes made plain. */
function clean(text: string, notices: Notice[]): string {
  let out = text.normalize('NFC').replace(emoji, (found) => {
    notices.push({ text: found, reason: 'emoji have no pronunciation; skipped' })
    return ' '
  })
  out = out.replace(otherScript, (found) => {
    const script = scriptTests.find(([, test]) => test.test(found))?.[0] ?? 'non-Latin'
    notices.push({ text: found, reason: `${script} script has no pronunciation in this English voice; skipped` })
    return ' '
  })
  out = out.replace(/[ßæÆøØœŒłŁđĐþÞðı]/g, (c) => latinLetters[c]!).normalize('NFD').replace(/\p{M}/gu, '')
  return out.replace(/[‘’ʼ`´]/g, "'").replace(/[“”«»„]/g, '"').replace(/\s[-–—]+\s|[–—]+/g, ' — ').replace(/\.\.\.|…/g, ' … ')
}

const isMonth = (word: string | undefined): boolean => word !== undefined && (months.includes(word.toLowerCase().replace(/\.$/, '')) || /^(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.$/i.test(word))
const capitalised = (word: string | undefined): boolean => word !== undefined && /^[A-Z]/.test(word)
const plainNumber = /^\d{1,3}(,\d{3})+$|^\d+$/

interface Raw {
  core: string
  before: PhraseBreak['strength'] | null
  after: PhraseBreak['strength'] | null
}

/** A written token without its surrounding punctuation, and the breaks that punctuation makes. */
function peel(token: string): Raw {
  let core = token
  let before: Raw['before'] = null
  let after: Raw['after'] = null
  const lead = /^[("'[{¿¡]+/.exec(core)
  if (lead) {
    core = core.slice(lead[0].length)
    if (/[([{]/.test(lead[0])) before = 'minor'
  }
  while (core.length > 0) {
    const last = core[core.length - 1]!
    if (last === '.' && (Object.hasOwn(abbreviations, core.toLowerCase()) || Object.hasOwn(contextual, core.toLowerCase()) || /^([a-z]\.)+$/i.test(core) || core.toLowerCase() === 'no.')) break
    if (!/[.,;:!?)"'\]}…—]/.test(last)) break
    if (last === "'" && /s'$/i.test(core) && core.length > 2) break // plural possessive: the boys'
    core = core.slice(0, -1)
    if (/[.!?]/.test(last)) after = 'major'
    else if (/[,;:)\]}…—]/.test(last) && after !== 'major') after = 'minor'
  }
  return { core, before, after }
}

function words(list: string[], from: string, reading: Reading): NormalisedWord[] {
  return list.flatMap((w) => w.split(' ')).map((text) => ({ kind: 'word', text, from, reading }))
}

function spell(letters: string, from: string, reading: Reading): NormalisedWord[] {
  return [...letters.toLowerCase()].filter((c) => /[a-z]/.test(c)).map((text) => ({ kind: 'word', text, from, reading, spell: true }))
}

/** A URL or e-mail address piece by piece: words as words; short runs the dictionary lacks (www), and runs without vowels, spelt. */
function address(text: string, from: string, reading: Reading): NormalisedWord[] {
  const out: NormalisedWord[] = []
  for (const part of text.replace(/^(https?|ftp):\/\//i, '').replace(/\/$/, '').split(/([./\-_@+:~?=&])/)) {
    if (part === '') continue
    if (Object.hasOwn(separators, part)) out.push(...words([separators[part]!], from, reading))
    else if (/^\d+$/.test(part)) out.push(...words(digitByDigit(part), from, reading))
    else if ((part.length <= 3 && !lookupWord(part) && !/^(com|org|net|edu|gov)$/i.test(part)) || !/[aeiouy]/i.test(part)) out.push(...spell(part, from, reading))
    else out.push(...expandPlain(part, from))
  }
  return out
}

/** Letters, digits and symbols in a token that matched no pattern, run by run. */
function expandPlain(core: string, from: string): NormalisedWord[] {
  const out: NormalisedWord[] = []
  for (const run of core.match(/[a-z']+|\d+(?:[.,]\d+)*|[^a-z\d']/gi) ?? []) {
    if (/^\d/.test(run)) out.push(...expandNumber(run, from))
    else if (/^[a-z']+$/i.test(run)) {
      const word = run.replace(/^'+|'+$/g, '')
      if (!word) continue
      // All capitals without a vowel (BBC, NHS) or a lone letter other than a, i: spelt.
      if ((/^[A-Z]{2,}$/.test(word) && !/[AEIOUY]/.test(word)) || (word.length === 1 && !/^[aAI]$/.test(word))) out.push(...spell(word, from, 'letters'))
      else out.push({ kind: 'word', text: word.toLowerCase(), from, reading: 'word' })
    } else if (Object.hasOwn(symbols, run)) out.push(...words([symbols[run]!], from, 'symbol'))
  }
  return out
}

function expandNumber(text: string, from: string): NormalisedWord[] {
  if (/^\d+\.\d+$|^\d{1,3}(,\d{3})+\.\d+$/.test(text)) return words(decimal(text), from, 'decimal')
  const digits = text.replace(/,/g, '')
  if (!/^\d+$/.test(digits)) return text.split(/[.,]/).flatMap((part) => (part ? expandNumber(part, from) : []))
  const n = Number(digits)
  if (!text.includes(',') && digits.length === 4 && n >= 1100 && n <= 2099) return words(year(digits), from, 'year')
  return words(cardinal(digits), from, 'number')
}

function money(sign: string, amount: string, scale: string | undefined, from: string): NormalisedWord[] {
  const [one, many, cent, cents] = currencies[sign]!
  const [whole = '0', fraction] = amount.replace(/,/g, '').split('.')
  if (scale) return words([...(fraction ? decimal(amount) : cardinal(whole)), scale.toLowerCase(), many], from, 'currency')
  const out = Number(whole) > 0 || !fraction ? [...cardinal(whole), Number(whole) === 1 ? one : many] : []
  if (fraction && Number(fraction.padEnd(2, '0').slice(0, 2)) > 0) {
    const c = fraction.padEnd(2, '0').slice(0, 2)
    if (out.length) out.push('and')
    out.push(...cardinal(c), Number(c) === 1 ? cent : cents)
  }
  return words(out, from, 'currency')
}

/** Reads one token in the light of its neighbours; `used` counts the following tokens it took in. */
function expand(core: string, previous: string | undefined, next: string | undefined): { out: NormalisedWord[]; used: number } {
  const lower = core.toLowerCase()
  const done = (out: NormalisedWord[], used = 0) => ({ out, used })
  let m: RegExpExecArray | null
  if (/^((https?|ftp):\/\/|www\.)\S+/i.test(core) || /^[\w-]+(\.[\w-]+)*\.(com|org|net|edu|gov|io|co|uk|de|fr|info|dev|app)(\/\S*)?$/i.test(core)) return done(address(core, core, 'url'))
  if (/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(core)) return done(address(core, core, 'email'))
  if ((m = /^([$£€¥])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$/.exec(core))) {
    const scale = next && /^(thousand|million|billion|trillion)$/i.test(next) ? next : undefined
    return done(money(m[1]!, m[2]! + (m[3] ?? ''), scale, scale ? `${core} ${next}` : core), scale ? 1 : 0)
  }
  if ((m = /^(-?[\d,]*\.?\d+)%$/.exec(core))) return done([...expandSigned(m[1]!, core), ...words(['percent'], core, 'percent')])
  if ((m = /^(\d+)(st|nd|rd|th)$/i.exec(core))) return done(words(ordinal(m[1]!), core, 'ordinal'))
  if ((m = /^(\d{1,2}):(\d{2})(am|pm|a\.m\.|p\.m\.)?$/i.exec(core)) && Number(m[1]) < 24 && Number(m[2]) < 60) {
    const suffix = m[3] ?? (next && /^(am|pm|a\.m\.|p\.m\.)$/i.test(next) ? next : undefined)
    return done([...words(clockTime(m[1]!, m[2]!), core, 'time'), ...spell(suffix ?? '', core, 'time')], suffix && !m[3] ? 1 : 0)
  }
  if ((m = /^(\d{1,2})(am|pm|a\.m\.|p\.m\.)$/i.exec(core))) return done([...words(cardinal(m[1]!), core, 'time'), ...spell(m[2]!, core, 'time')])
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(core)) && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31) {
    return done(words([months[Number(m[2]) - 1]!, ...ordinal(m[3]!), ...year(m[1]!)], core, 'date'))
  }
  if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$/.exec(core)) && Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= 31) {
    return done(words([months[Number(m[1]) - 1]!, ...ordinal(m[2]!), ...(m[3]!.length === 4 ? year(m[3]!) : Number(m[3]) < 10 ? ['oh', ...cardinal(m[3]!)] : cardinal(m[3]!))], core, 'date'))
  }
  if ((m = /^(\d+)[-–](\d+)$/.exec(core))) return done([...expandNumber(m[1]!, core), ...words(['to'], core, 'range'), ...expandNumber(m[2]!, core)])
  if (/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(core)) {
    // A day of the month beside a month name is an ordinal: 12 May, May 12.
    if (/^\d{1,2}$/.test(core) && Number(core) >= 1 && Number(core) <= 31 && (isMonth(next) || isMonth(previous))) return done(words(ordinal(core), core, 'date'))
    const unit = next?.toLowerCase()
    const read = expandSigned(core, core)
    if (unit && Object.hasOwn(units, unit)) return done([...read, ...words([units[unit]![core === '1' ? 0 : 1]], next!, 'unit')], 1)
    return done(read)
  }
  if ((m = /^(\d+(?:\.\d+)?)([a-z]+)$/i.exec(core)) && Object.hasOwn(units, m[2]!.toLowerCase())) {
    return done([...expandNumber(m[1]!, core), ...words([units[m[2]!.toLowerCase()]![m[1] === '1' ? 0 : 1]], core, 'unit')])
  }
  if (Object.hasOwn(contextual, lower)) return done(words([contextual[lower]![capitalised(next) ? 0 : 1]], core, 'abbreviation'))
  if (Object.hasOwn(abbreviations, lower)) return done(words(abbreviations[lower]!, core, 'abbreviation'))
  if (lower === 'no.' && next && /^\d/.test(next)) return done(words(['number'], core, 'abbreviation'))
  if (/^([a-z]\.){2,}$/i.test(core)) return done(spell(core, core, 'letters'))
  if (/^[a-z]\.$/i.test(core)) return done(spell(core, core, 'letters'))
  return done(expandPlain(core, core))
}

function expandSigned(text: string, from: string): NormalisedWord[] {
  return text.startsWith('-') ? [...words(['minus'], from, 'number'), ...expandNumber(text.slice(1), from)] : expandNumber(text, from)
}

/** Normalises one sentence (see sentence-split.ts): words and breaks, never two breaks in a row. */
export function normalise(sentence: string): { items: NormalisedItem[]; notices: Notice[] } {
  const notices: Notice[] = []
  const raws = clean(sentence, notices)
    .split(/\s+/)
    .filter(Boolean)
    .map(peel)
  const items: NormalisedItem[] = []
  const addBreak = (strength: PhraseBreak['strength']): void => {
    const last = items[items.length - 1]
    if (!last) return
    if (last.kind === 'break') last.strength = last.strength === 'major' || strength === 'major' ? 'major' : 'minor'
    else items.push({ kind: 'break', strength })
  }
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!
    if (raw.before) addBreak(raw.before)
    if (raw.core === '—' || raw.core === '…' || raw.core === '') {
      if (raw.core) addBreak('minor')
    } else {
      const { out, used } = expand(raw.core, raws[i - 1]?.core, raws[i + 1]?.core)
      if (out.length === 0) notices.push({ text: raw.core, reason: 'symbols with no reading; skipped' })
      items.push(...out)
      i += used
    }
    const last = raws[i]!
    if (last.after) addBreak(last.after)
  }
  while (items[items.length - 1]?.kind === 'break') items.pop()
  return { items, notices }
}
