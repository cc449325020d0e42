import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dictionary } from 'cmu-pronouncing-dictionary'
import { writeFileAtomicSync } from '../../core/atomic-file'
import { alignLexicon, decodeAlignment, encodeAlignment, rulesFromAlignment, type LetterAlignment, type LetterToSound, type LexiconEntry } from './letter-to-sound'

/*
 * The pronouncing dictionary: CMUdict (npm cmu-pronouncing-dictionary, 135k words, ARPAbet with stress
 * digits; alternatives are keyed "word(2)", and the first pronunciation is the one used). Words it lacks
 * go to letter-to-sound rules learnt from it. One word in ten (by a hash of its spelling) is held out
 * of that learning, so the rules' accuracy on unseen words can be measured on them; they are still
 * looked up in the dictionary as usual, so holding them out costs the front end nothing.
 */

export type PronunciationSource = 'dictionary' | 'letter-to-sound'

/** FNV-1a of the spelling: a fixed, platform-independent split. */
function hash(word: string): number {
  let h = 2166136261
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619) >>> 0
  return h
}

export function isHeldOut(word: string): boolean {
  return hash(word) % 10 === 0
}

/** Plain words (letters and apostrophes) with their first pronunciation. */
function plainEntries(): LexiconEntry[] {
  return Object.entries(dictionary).filter(([word]) => /^[a-z']+$/.test(word)) as LexiconEntry[]
}

/** The held-out words and their dictionary pronunciations, for measuring letter-to-sound. */
export function heldOutEntries(): LexiconEntry[] {
  return plainEntries().filter(([word]) => isHeldOut(word))
}

let rules: LetterToSound | undefined
let cacheDir: string | null = null

/**
 * Where the letter-to-sound alignment is kept between processes (the workspace's cache folder): learning
 * it takes seconds (3-9 on a busy machine), reading it back a fraction of that. Null: learn in every process.
 */
export function cacheLetterToSoundIn(dir: string | null): void {
  cacheDir = dir
}

/** The alignment of the words not held out: from the cache when one was written for this dictionary, else learnt (and cached). */
function trainingAlignment(): LetterAlignment {
  const entries = plainEntries().filter(([word]) => !isHeldOut(word))
  if (!cacheDir) return alignLexicon(entries)
  // Named by the dictionary's contents, so another version of it never reads a stale file.
  let h = 2166136261
  for (const [word, arpabet] of entries) h = Math.imul(h ^ hash(word) ^ Math.imul(hash(arpabet), 31), 16777619) >>> 0
  const file = join(cacheDir, `letter-to-sound-${entries.length}-${h.toString(16)}.bin`)
  try {
    return decodeAlignment(readFileSync(file))
  } catch {
    // Missing or damaged: learn it again.
  }
  const alignment = alignLexicon(entries)
  try {
    mkdirSync(cacheDir, { recursive: true })
    writeFileAtomicSync(file, encodeAlignment(alignment))
  } catch {
    // A cache that cannot be written costs time, not correctness.
  }
  return alignment
}

/** Learnt on first use (or read from the cache) from the words not held out, then kept for the process. */
export function letterToSound(): LetterToSound {
  rules ??= rulesFromAlignment(trainingAlignment())
  return rules
}

/** CMUdict's pronunciation of a word (any case), as ARPAbet symbols; undefined when it lacks it. */
export function lookupWord(word: string): string[] | undefined {
  const entry = Object.hasOwn(dictionary, word.toLowerCase()) ? dictionary[word.toLowerCase()] : undefined
  return entry?.split(' ')
}

/** The dictionary's pronunciation, else the learnt rules' (empty only when the word has no letter a-z). */
export function pronounce(word: string): { arpabet: string[]; source: PronunciationSource } {
  const found = lookupWord(word)
  if (found) return { arpabet: found, source: 'dictionary' }
  return { arpabet: letterToSound().predict(word), source: 'letter-to-sound' }
}
