import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../../main/compute/seeded-random'
import { formatAlign, parseAlign, wordsWithSilences } from '../../../../main/enhance/corpus/grid-align'
import { drawSentences, GRID_LETTERS, sentenceId, sentenceText } from '../../../../main/enhance/corpus/grid-sentences'

describe("GRID's grammar and names", () => {
  it('names "place blue at F two now" pbaf2n and "bin white with Z zero soon" bwwzzs', () => {
    const pbaf2n = { command: 2, colour: 0, preposition: 0, letter: 5, digit: 2, adverb: 1 }
    expect(sentenceText(pbaf2n)).toBe('place blue at F two now')
    expect(sentenceId(pbaf2n)).toBe('pbaf2n')
    expect(sentenceId({ command: 0, colour: 3, preposition: 3, letter: 24, digit: 0, adverb: 3 })).toBe('bwwzzs')
    expect(GRID_LETTERS).toHaveLength(25)
    expect(GRID_LETTERS).not.toContain('w')
  })

  it('draws different sentences, the same ones from the same seed', () => {
    const drawn = drawSentences(200, seededRandom(4))
    expect(new Set(drawn.map(sentenceId)).size).toBe(200)
    expect(drawSentences(200, seededRandom(4))).toEqual(drawn)
    expect(() => drawSentences(0, seededRandom(1))).toThrow(/from 1 to 64000, got 0/)
  })
})

describe("GRID's align format", () => {
  it('writes and reads start end word in 1/25000 s, with sil at the ends and sp between words', () => {
    const intervals = wordsWithSilences(
      [
        { label: 'bin', start: 0.95, end: 1.18 },
        { label: 'blue', start: 1.18, end: 1.36 },
        { label: 'F', start: 1.5, end: 1.64 },
      ],
      3,
    )
    const text = formatAlign(intervals)
    // 0.95 s x 25000 = 23750; 1.36 -> 34000; 1.5 -> 37500; 3 s -> 75000
    expect(text).toBe('0 23750 sil\n23750 29500 bin\n29500 34000 blue\n34000 37500 sp\n37500 41000 f\n41000 75000 sil\n')
    expect(parseAlign(text)).toEqual(intervals.map((i) => ({ ...i, label: i.label.toLowerCase() })))
  })

  it('names the line it cannot read', () => {
    expect(() => parseAlign('0 100 sil\n100 x bin\n', 'a.align')).toThrow(/a.align, line 2: expected "start end word"/)
    expect(() => parseAlign('0 100 sil\n50 200 bin\n', 'a.align')).toThrow(/line 2: the interval starts before the previous one ends/)
    expect(() => parseAlign('\n', 'a.align')).toThrow(/a.align holds no intervals/)
  })
})
