import { pause, phoneSet } from '../phones'
import type { Utterance } from './utterance'

/*
 * Per-phone linguistic features, the DNN's input (the paper's "binary answers to questions about
 * linguistic contexts and numeric values such as the number of words in the current phrase, the position
 * of the current syllable in the word"), as one vector per phone of `utterancePhones`:
 *
 *   [0, 5P)          quin-phone identity: one-hot of the phone two before, one before, itself, one after,
 *                    two after (P = phoneSet.length; all zero past the utterance's edges)
 *   [5P, 5P + 22)    numeric, named in `positionFeatureNames`: positions (1-based, forward and backward)
 *                    and counts in syllable, word, phrase and utterance; the stress of this syllable
 *                    and its neighbours (0 none, 1 primary, 2 secondary); the break after the word
 *                    (0 none, 1 minor, 2 major) and whether the phone is a pause.
 *
 * A pause has zeros for every position inside syllable, word and phrase; its break is the break it marks
 * (0 at the utterance's start). Frame features append to a phone's vector, for each 5 ms frame of it:
 * the fraction of the phone elapsed at the frame's centre, frames since its start, frames to its end and
 * its length in frames (`frameFeatureNames`).
 *
 * Normalisation, as the paper: every input dimension to zero mean and unit variance over the training
 * data (`fitNormaliser`, `applyNormaliser`); a dimension that never varies (std below 1e-6) is only centred.
 */

export const positionFeatureNames = [
  'phoneInSyllable', 'phoneInSyllableFromEnd', 'phonesInSyllable',
  'syllableInWord', 'syllableInWordFromEnd', 'syllablesInWord',
  'wordInPhrase', 'wordInPhraseFromEnd', 'wordsInPhrase',
  'phraseInUtterance', 'phraseInUtteranceFromEnd', 'phrasesInUtterance',
  'syllableInPhrase', 'syllableInPhraseFromEnd', 'syllablesInPhrase',
  'wordsInUtterance', 'syllablesInUtterance',
  'syllableStress', 'previousSyllableStress', 'nextSyllableStress',
  'breakAfterWord', 'isPause',
] as const

export const frameFeatureNames = ['phoneFraction', 'framesFromPhoneStart', 'framesToPhoneEnd', 'phoneFrames'] as const

export const quinphoneWidth = 5 * phoneSet.length
export const linguisticFeatureSize = quinphoneWidth + positionFeatureNames.length
const phoneIndex = new Map(phoneSet.map((p, i) => [p, i]))

type Position = Record<(typeof positionFeatureNames)[number], number>

export interface PhoneFeatures {
  phones: string[]
  /** One row of `linguisticFeatureSize` per phone. */
  vectors: Float32Array[]
}

export function linguisticFeatures(utterance: Utterance): PhoneFeatures {
  const zero = (): Position => Object.fromEntries(positionFeatureNames.map((n) => [n, 0])) as Position
  const phones: string[] = [pause]
  const positions: Position[] = [{ ...zero(), isPause: 1 }]
  const syllableStresses = utterance.phrases.flatMap((p) => p.words.flatMap((w) => w.syllables.map((s) => s.stress)))
  const wordsInUtterance = utterance.phrases.reduce((n, p) => n + p.words.length, 0)
  let syllableInUtterance = 0
  utterance.phrases.forEach((phrase, p) => {
    const syllablesInPhrase = phrase.words.reduce((n, w) => n + w.syllables.length, 0)
    let syllableInPhrase = 0
    phrase.words.forEach((word, w) => {
      const breakAfter = w === phrase.words.length - 1 ? (phrase.break === 'major' ? 2 : 1) : 0
      word.syllables.forEach((syllable, s) => {
        syllableInPhrase++
        syllableInUtterance++
        syllable.phones.forEach((phone, k) => {
          phones.push(phone)
          positions.push({
            phoneInSyllable: k + 1, phoneInSyllableFromEnd: syllable.phones.length - k, phonesInSyllable: syllable.phones.length,
            syllableInWord: s + 1, syllableInWordFromEnd: word.syllables.length - s, syllablesInWord: word.syllables.length,
            wordInPhrase: w + 1, wordInPhraseFromEnd: phrase.words.length - w, wordsInPhrase: phrase.words.length,
            phraseInUtterance: p + 1, phraseInUtteranceFromEnd: utterance.phrases.length - p, phrasesInUtterance: utterance.phrases.length,
            syllableInPhrase, syllableInPhraseFromEnd: syllablesInPhrase - syllableInPhrase + 1, syllablesInPhrase,
            wordsInUtterance, syllablesInUtterance: syllableStresses.length,
            syllableStress: syllable.stress,
            previousSyllableStress: syllableStresses[syllableInUtterance - 2] ?? 0,
            nextSyllableStress: syllableStresses[syllableInUtterance] ?? 0,
            breakAfterWord: breakAfter,
            isPause: 0,
          })
        })
      })
    })
    phones.push(pause)
    positions.push({ ...zero(), breakAfterWord: phrase.break === 'major' ? 2 : 1, isPause: 1 })
  })
  const vectors = phones.map((_, i) => {
    const v = new Float32Array(linguisticFeatureSize)
    for (let offset = -2; offset <= 2; offset++) {
      const neighbour = phones[i + offset]
      if (neighbour !== undefined) v[(offset + 2) * phoneSet.length + phoneIndex.get(neighbour)!] = 1
    }
    positionFeatureNames.forEach((name, k) => (v[quinphoneWidth + k] = positions[i]![name]))
    return v
  })
  return { phones, vectors }
}

/** Frame rows for phones lasting `frames[i]` frames each: the phone's vector, then the 4 frame features. */
export function frameFeatures(phoneVectors: readonly Float32Array[], frames: readonly number[]): Float32Array[] {
  const rows: Float32Array[] = []
  phoneVectors.forEach((vector, i) => {
    const n = frames[i] ?? 0
    for (let k = 0; k < n; k++) {
      const row = new Float32Array(vector.length + frameFeatureNames.length)
      row.set(vector)
      row.set([(k + 0.5) / n, k, n - 1 - k, n], vector.length)
      rows.push(row)
    }
  })
  return rows
}

export interface Normaliser {
  mean: number[]
  std: number[]
}

export function fitNormaliser(rows: readonly Float32Array[]): Normaliser {
  const size = rows[0]?.length ?? 0
  const mean = new Array<number>(size).fill(0)
  const square = new Array<number>(size).fill(0)
  for (const row of rows) for (let d = 0; d < size; d++) (mean[d]! += row[d]!), (square[d]! += row[d]! * row[d]!)
  const n = Math.max(1, rows.length)
  const std = mean.map((sum, d) => {
    const variance = square[d]! / n - (sum / n) ** 2
    return variance > 1e-12 ? Math.sqrt(variance) : 1
  })
  return { mean: mean.map((sum) => sum / n), std }
}

export function applyNormaliser(row: Float32Array, { mean, std }: Normaliser): Float32Array {
  return row.map((v, d) => (v - mean[d]!) / std[d]!)
}
