import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { foldSplit, loadUrbanSound8K, type SoundClip, type SoundDataset } from '../../../main/sound/dataset'
import { tempHome } from '../../helpers/temp-home'
import { expectError, urbanSound8KHeader, wav, writeTree } from './dataset-fixtures'

const names = ['air_conditioner', 'car_horn', 'children_playing', 'dog_bark', 'drilling', 'engine_idling', 'gun_shot', 'jackhammer', 'siren', 'street_music']

let dataset: SoundDataset
let cleanup: () => void

/** An UrbanSound8K tree with all ten folds, two sources per fold, several slices per source (as the real folds keep them). */
beforeAll(async () => {
  const temp = tempHome('percept-folds-')
  cleanup = temp.cleanup
  const rows: string[] = []
  const files: Record<string, Uint8Array> = {}
  for (let fold = 1; fold <= 10; fold++) {
    for (let s = 0; s < 2; s++) {
      const fsID = 1000 * fold + s
      const classID = (fold + 3 * s) % 10
      for (let slice = 0; slice <= fold % 3 + 1; slice++) {
        const name = `${fsID}-${classID}-0-${slice}.wav`
        rows.push(`${name},${fsID},${slice},${slice + 4},1,${fold},${classID},${names[classID]}`)
        files[`audio/fold${fold}/${name}`] = wav
      }
    }
  }
  writeTree(temp.home, { 'metadata/UrbanSound8K.csv': [urbanSound8KHeader, ...rows].join('\n'), ...files })
  dataset = await loadUrbanSound8K(temp.home)
})
afterAll(() => cleanup())

const ids = (clips: SoundClip[]) => new Set(clips.map((c) => c.id))
const sources = (clips: SoundClip[]) => new Set(clips.map((c) => c.source))

describe('foldSplit', () => {
  it('the fixture keeps each source in one fold, as the published folds do', () => {
    expect(dataset.problems).toEqual([])
    expect(dataset.folds).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const foldsOf = new Map<string, Set<number>>()
    for (const clip of dataset.clips) foldsOf.set(clip.source!, (foldsOf.get(clip.source!) ?? new Set()).add(clip.fold))
    expect(foldsOf.size).toBe(20)
    for (const folds of foldsOf.values()) expect(folds.size).toBe(1)
  })

  for (const validationFold of [undefined, 'next'] as const) {
    it(`for every held-out fold (validation ${validationFold ?? 'none'}): no test clip or source in train or validation, counts add up`, () => {
      for (const held of dataset.folds) {
        const split = foldSplit(dataset, held, { validationFold })
        const expectedValidation = validationFold && (held % 10) + 1
        expect(split.testFold).toBe(held)
        expect(split.validationFold).toBe(expectedValidation)
        expect(split.trainFolds).toEqual(dataset.folds.filter((f) => f !== held && f !== expectedValidation))
        expect(split.test.every((c) => c.fold === held)).toBe(true)
        expect(split.test.length).toBe(dataset.summary.perFold.find((f) => f.fold === held)!.clips)
        expect(split.validation.every((c) => c.fold === expectedValidation)).toBe(true)
        expect(split.validation.length > 0).toBe(validationFold !== undefined)
        const seen = [...split.train, ...split.validation]
        expect(seen.some((c) => c.fold === held)).toBe(false)
        expect([...ids(split.test)].filter((id) => ids(seen).has(id))).toEqual([])
        expect([...sources(split.test)].filter((source) => sources(seen).has(source))).toEqual([])
        expect(split.sharedSources).toEqual([])
        expect(split.train.length + split.validation.length + split.test.length).toBe(dataset.clips.length)
      }
    })
  }

  it('takes an explicit validation fold; refuses the test fold, unknown folds and too few folds', async () => {
    const split = foldSplit(dataset, 3, { validationFold: 7 })
    expect(split.trainFolds).toEqual([1, 2, 4, 5, 6, 8, 9, 10])
    expect(split.validation.every((c) => c.fold === 7)).toBe(true)
    const run = (f: () => unknown) => async () => f()
    await expectError(run(() => foldSplit(dataset, 3, { validationFold: 3 })), 'VALIDATION', /not the held-out test fold 3/)
    await expectError(run(() => foldSplit(dataset, 11)), 'VALIDATION', /Fold 11 holds no clips: UrbanSound8K's folds are 1, 2/)
    await expectError(run(() => foldSplit(dataset, 1, { validationFold: 12 })), 'VALIDATION', /Validation fold 12 holds no clips/)
    const two = { ...dataset, folds: [1, 2], clips: dataset.clips.filter((c) => c.fold <= 2) }
    expect(foldSplit(two, 1).train.every((c) => c.fold === 2)).toBe(true)
    await expectError(run(() => foldSplit(two, 1, { validationFold: 'next' })), 'VALIDATION', /at least 3 folds/)
  })

  it('names sources that folds made elsewhere split across test and training', () => {
    const clip = (id: string, fold: number, source?: string): SoundClip => ({ id, path: id, classId: 0, fold, ...(source && { source }) })
    const mixed = { name: 'mine', folds: [1, 2, 3], clips: [clip('a', 1, 'r1'), clip('b', 2, 'r1'), clip('c', 3, 'r2'), clip('d', 1), clip('e', 2)] }
    expect(foldSplit(mixed, 1).sharedSources).toEqual(['r1'])
    expect(foldSplit(mixed, 3).sharedSources).toEqual([])
  })
})
