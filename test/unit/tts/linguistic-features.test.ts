import { describe, expect, it } from 'vitest'
import {
  applyNormaliser, fitNormaliser, frameFeatures, linguisticFeatureSize, linguisticFeatures, positionFeatureNames, quinphoneWidth,
} from '../../../main/tts/frontend/linguistic-features'
import { analyseSentence, utterancePhones } from '../../../main/tts/frontend/utterance'
import { phoneSet } from '../../../main/tts/phones'

// "Hi, Bob." is two phrases: [hi] (HH AY1) minor break, [bob] (B AA1 B) major break:
// pau hh ay pau b aa b pau. Every value below is counted by hand from that.
const { utterance } = analyseSentence('Hi, Bob.')
const { phones, vectors } = linguisticFeatures(utterance)
const position = (i: number): Record<string, number> => Object.fromEntries(positionFeatureNames.map((n, k) => [n, vectors[i]![quinphoneWidth + k]!]))
const hot = (i: number): string[] => {
  const v = vectors[i]!
  return [0, 1, 2, 3, 4].map((slot) => {
    const at = v.subarray(slot * phoneSet.length, (slot + 1) * phoneSet.length).findIndex((x) => x === 1)
    return at < 0 ? '-' : phoneSet[at]!
  })
}

describe('linguistic features', () => {
  it('phones as festival lays them out, one vector of the documented size each', () => {
    expect(phones).toEqual(['pau', 'hh', 'ay', 'pau', 'b', 'aa', 'b', 'pau'])
    expect(utterancePhones(utterance)).toEqual(phones)
    expect(linguisticFeatureSize).toBe(5 * 48 + 22)
    expect(vectors.every((v) => v.length === linguisticFeatureSize)).toBe(true)
  })

  it('quin-phone identity is one-hot per slot, empty past the edges', () => {
    expect(hot(0)).toEqual(['-', '-', 'pau', 'hh', 'ay'])
    expect(hot(2)).toEqual(['pau', 'hh', 'ay', 'pau', 'b'])
    expect(hot(7)).toEqual(['aa', 'b', 'pau', '-', '-'])
    expect(vectors[2]!.subarray(0, quinphoneWidth).reduce((s, x) => s + x, 0)).toBe(5)
  })

  it('positions, counts, stress and breaks of "ay" in "hi" and the last "b" of "bob"', () => {
    expect(position(2)).toEqual({
      phoneInSyllable: 2, phoneInSyllableFromEnd: 1, phonesInSyllable: 2,
      syllableInWord: 1, syllableInWordFromEnd: 1, syllablesInWord: 1,
      wordInPhrase: 1, wordInPhraseFromEnd: 1, wordsInPhrase: 1,
      phraseInUtterance: 1, phraseInUtteranceFromEnd: 2, phrasesInUtterance: 2,
      syllableInPhrase: 1, syllableInPhraseFromEnd: 1, syllablesInPhrase: 1,
      wordsInUtterance: 2, syllablesInUtterance: 2,
      syllableStress: 1, previousSyllableStress: 0, nextSyllableStress: 1,
      breakAfterWord: 1, isPause: 0,
    })
    expect(position(6)).toMatchObject({ phoneInSyllable: 3, phoneInSyllableFromEnd: 1, phonesInSyllable: 3, phraseInUtterance: 2, phraseInUtteranceFromEnd: 1, previousSyllableStress: 1, nextSyllableStress: 0, breakAfterWord: 2 })
  })

  it('pauses: no positions, the break they mark', () => {
    const zeroPositions = (i: number) => Object.entries(position(i)).filter(([n]) => n !== 'isPause' && n !== 'breakAfterWord').every(([, v]) => v === 0)
    expect([0, 3, 7].every(zeroPositions)).toBe(true)
    expect([0, 3, 7].map((i) => [position(i).breakAfterWord, position(i).isPause])).toEqual([[0, 1], [1, 1], [2, 1]])
  })

  it('frame features: fraction elapsed, frames from start and to end, length', () => {
    const rows = frameFeatures([vectors[1]!, vectors[2]!], [2, 4])
    expect(rows).toHaveLength(6)
    const tail = rows.map((r) => Array.from(r.subarray(linguisticFeatureSize)))
    expect(tail).toEqual([[0.25, 0, 1, 2], [0.75, 1, 0, 2], [0.125, 0, 3, 4], [0.375, 1, 2, 4], [0.625, 2, 1, 4], [0.875, 3, 0, 4]])
  })

  it('normalisation to zero mean, unit variance; constant dimensions only centred', () => {
    const rows = [new Float32Array([1, 5]), new Float32Array([3, 5])]
    const normaliser = fitNormaliser(rows)
    expect(normaliser).toEqual({ mean: [2, 5], std: [1, 1] })
    expect(Array.from(applyNormaliser(rows[0]!, normaliser))).toEqual([-1, 0])
  })
})
