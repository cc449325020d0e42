/** The paper's five shuffled 60/10/30 splits: sizes, disjoint parts covering the dataset, reproducible, shuffled. */
import { describe, expect, it } from 'vitest'
import { datasetSplit, splitSizes } from '../../../../../main/mri/segmentation/train/splits'

const ids = Array.from({ length: 43 }, (_, i) => `sub${String(i + 1).padStart(2, '0')}`)

describe('dataset splits', () => {
  it('cut 43 subjects (the paper\'s) into 26 / 4 / 13, and small sets into at least one each', () => {
    expect(splitSizes(43)).toEqual({ train: 26, validation: 4, test: 13 })
    expect(splitSizes(10)).toEqual({ train: 6, validation: 1, test: 3 })
    expect(splitSizes(3)).toEqual({ train: 1, validation: 1, test: 1 })
  })

  it('are disjoint parts that together hold every subject once', () => {
    for (let split = 0; split < 5; split++) {
      const s = datasetSplit(ids, split, 7)
      expect([s.train.length, s.validation.length, s.test.length]).toEqual([26, 4, 13])
      expect([...s.train, ...s.validation, ...s.test].sort()).toEqual(ids)
    }
  })

  it('repeat for the same seed and split, whatever order the ids come in', () => {
    const reversed = ids.slice().reverse()
    expect(datasetSplit(reversed, 2, 7)).toEqual(datasetSplit(ids, 2, 7))
  })

  it('differ between splits and seeds (shuffled, not folds)', () => {
    const tests = [0, 1, 2, 3, 4].map((k) => datasetSplit(ids, k, 7).test.join())
    expect(new Set(tests).size).toBe(5)
    expect(datasetSplit(ids, 0, 8).test).not.toEqual(datasetSplit(ids, 0, 7).test)
    // Not the listed order either.
    expect(datasetSplit(ids, 0, 7).test).not.toEqual(ids.slice(0, 13))
  })

  it('refuse what cannot be split, saying why', () => {
    expect(() => datasetSplit(['a', 'b'], 0, 1)).toThrow(/at least 3 subjects/)
    expect(() => datasetSplit(ids, 5, 1)).toThrow(/0 to 4/)
    expect(() => datasetSplit(['a', 'a', 'b'], 0, 1)).toThrow(/unique/)
  })
})
