import { pause } from '../phones'
import { lookupWord, pronounce } from './lexicon'
import { normalise, type Notice, type Reading } from './normalise'
import { splitSentences } from './sentence-split'
import { syllabify, type Syllable } from './syllabify'

/*
 * The front end end to end: text -> sentences -> phrases (split at punctuation breaks) -> words with
 * their pronunciation and where it came from -> syllables with stress. An utterance is one sentence;
 * its phones are festival's: `pau` at both ends and at every phrase break.
 */

export type WordSource = 'dictionary' | 'letter-to-sound' | 'spelled'

export interface Word {
  /** What is said (lower case). */
  text: string
  /** The written token it was normalised from. */
  from: string
  reading: Reading
  source: WordSource
  /** CMUdict-style ARPAbet with stress digits. */
  arpabet: string[]
  syllables: Syllable[]
}

export interface Phrase {
  words: Word[]
  /** The break after the phrase: minor inside a sentence, major at its end. */
  break: 'minor' | 'major'
}

export interface Utterance {
  text: string
  phrases: Phrase[]
}

export interface FrontEndResult {
  utterances: Utterance[]
  notices: Notice[]
}

function pronounceWord(text: string, spell: boolean | undefined): { arpabet: string[]; source: WordSource } {
  if (spell) return { arpabet: lookupWord(`${text}.`) ?? lookupWord(text) ?? [], source: 'spelled' }
  return pronounce(text)
}

/** One sentence to its phrases and words. */
export function analyseSentence(sentence: string): { utterance: Utterance; notices: Notice[] } {
  const { items, notices } = normalise(sentence)
  const phrases: Phrase[] = []
  let words: Word[] = []
  for (const item of items) {
    if (item.kind === 'break') {
      if (words.length) phrases.push({ words, break: item.strength === 'major' ? 'major' : 'minor' })
      words = []
      continue
    }
    const { arpabet, source } = pronounceWord(item.text, item.spell)
    if (arpabet.length === 0) {
      notices.push({ text: item.from, reason: `no pronunciation for "${item.text}"; skipped` })
      continue
    }
    words.push({ text: item.text, from: item.from, reading: item.reading, source, arpabet, syllables: syllabify(arpabet) })
  }
  if (words.length) phrases.push({ words, break: 'major' })
  const last = phrases[phrases.length - 1]
  if (last) last.break = 'major'
  return { utterance: { text: sentence, phrases }, notices }
}

/** Text of any length to utterances (sentences with something to say) and the notices of what was skipped. */
export function analyseText(text: string): FrontEndResult {
  const utterances: Utterance[] = []
  const notices: Notice[] = []
  for (const sentence of splitSentences(text)) {
    const result = analyseSentence(sentence)
    notices.push(...result.notices)
    if (result.utterance.phrases.length) utterances.push(result.utterance)
  }
  return { utterances, notices }
}

/** The utterance's phone names as festival writes its Segment relation: pau, phrase, pau, phrase, ..., pau. */
export function utterancePhones(utterance: Utterance): string[] {
  const phones = [pause]
  for (const phrase of utterance.phrases) {
    for (const word of phrase.words) for (const syllable of word.syllables) phones.push(...syllable.phones)
    phones.push(pause)
  }
  return phones
}
