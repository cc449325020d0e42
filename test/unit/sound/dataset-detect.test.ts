import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadSoundDataset } from '../../../main/sound/dataset'
import { tempHome } from '../../helpers/temp-home'
import { esc50Header, expectError, urbanSound8KHeader, wav, wavs, writeTree } from './dataset-fixtures'

let home: string
let cleanup: () => void
beforeEach(() => {
  ;({ home, cleanup } = tempHome('percept-detect-'))
})
afterEach(() => cleanup())

/** The archives' top folders as they extract. */
function urbanSound8K(top = 'UrbanSound8K'): void {
  writeTree(home, {
    [`${top}/metadata/UrbanSound8K.csv`]: `${urbanSound8KHeader}\n100032-3-0-0.wav,100032,0.0,0.317551,1,5,3,dog_bark\n100648-1-0-0.wav,100648,4.8,5.4,2,10,1,car_horn\n`,
    [`${top}/audio/fold5/100032-3-0-0.wav`]: wav,
    [`${top}/audio/fold10/100648-1-0-0.wav`]: wav,
    [`${top}/UrbanSound8K_README.txt`]: 'readme',
  })
}

function esc50(top = 'ESC-50-master'): void {
  writeTree(home, {
    [`${top}/meta/esc50.csv`]: `${esc50Header}\n1-100032-A-0.wav,1,0,dog,True,100032,A\n1-100038-A-14.wav,1,14,chirping_birds,False,100038,A\n`,
    ...wavs(`${top}/audio`, ['1-100032-A-0.wav', '1-100038-A-14.wav']),
  })
}

describe('loadSoundDataset', () => {
  it('finds UrbanSound8K from its folder, the folder above it, and its CSV', async () => {
    urbanSound8K()
    const root = join(home, 'UrbanSound8K')
    for (const path of [root, home, join(root, 'metadata', 'UrbanSound8K.csv')]) {
      const dataset = await loadSoundDataset(path)
      expect(dataset).toMatchObject({ root, layout: 'urbansound8k', folds: [5, 10] })
      expect(dataset.clips).toHaveLength(2)
    }
  })

  it('finds ESC-50 from ESC-50-master, the folder above it, and its CSV', async () => {
    esc50()
    const root = join(home, 'ESC-50-master')
    for (const path of [root, home, join(root, 'meta', 'esc50.csv')]) {
      expect(await loadSoundDataset(path)).toMatchObject({ root, layout: 'esc50', folds: [1] })
    }
  })

  it('recognises a renamed metadata CSV by its columns', async () => {
    esc50('esc')
    writeTree(home, { 'esc/meta/my-copy.csv': `${esc50Header}\n1-100032-A-0.wav,1,0,dog,True,100032,A\n` })
    const dataset = await loadSoundDataset(join(home, 'esc', 'meta', 'my-copy.csv'))
    expect(dataset).toMatchObject({ root: join(home, 'esc'), layout: 'esc50' })
    expect(dataset.clips.map((c) => c.id)).toEqual(['1-100032-A-0.wav'])
  })

  it('falls back to one folder per class', async () => {
    writeTree(home, { ...wavs('dog', ['a.wav']), ...wavs('siren', ['b.wav']) })
    expect(await loadSoundDataset(home)).toMatchObject({ layout: 'folders', classes: [{ id: 0, name: 'dog' }, { id: 1, name: 'siren' }] })
  })

  it('an empty folder: NOT_FOUND naming every layout it looked for', async () => {
    await expectError(
      () => loadSoundDataset(home),
      'NOT_FOUND',
      /holds no sound data set/,
      /metadata\/UrbanSound8K\.csv and audio\/fold1/,
      /meta\/esc50\.csv/,
      /ESC-50-master/,
      /one folder per class holding \.wav, \.flac, \.mp3, \.ogg files/,
    )
  })

  it('refuses a missing path, a non-CSV file, an unknown CSV, two data sets and a metadata folder without its CSV', async () => {
    await expectError(() => loadSoundDataset(join(home, 'nowhere')), 'NOT_FOUND', /nowhere does not exist/)
    writeTree(home, { 'x/a.wav': wav, 'x/list.csv': 'name,label\na.wav,dog\n' })
    await expectError(() => loadSoundDataset(join(home, 'x', 'a.wav')), 'VALIDATION', /is a file, not a data set/)
    const unknown = await expectError(
      () => loadSoundDataset(join(home, 'x', 'list.csv')),
      'VALIDATION',
      /its first line does not name the columns of UrbanSound8K \(slice_file_name, fold, classID, class\) or ESC-50/,
    )
    expect(unknown.message).not.toMatch(/name, label/) // the file's own header is not quoted back
    urbanSound8K()
    esc50()
    await expectError(() => loadSoundDataset(home), 'VALIDATION', /more than one data set \(UrbanSound8K in .* and ESC-50 in .*\)/)
    writeTree(home, { 'partial/metadata/readme.txt': '', ...wavs('partial/audio/fold1', ['a.wav']) })
    await expectError(() => loadSoundDataset(join(home, 'partial')), 'NOT_FOUND', /has a metadata folder but no metadata\/UrbanSound8K\.csv/)
  })
})
