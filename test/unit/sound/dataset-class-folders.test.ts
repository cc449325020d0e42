import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashFold, loadClassFolders } from '../../../main/sound/dataset'
import { tempHome } from '../../helpers/temp-home'
import { expectError, wav, wavs, writeTree } from './dataset-fixtures'

let root: string
let cleanup: () => void
beforeEach(() => {
  ;({ home: root, cleanup } = tempHome('percept-folders-'))
})
afterEach(() => cleanup())

/** The first bytes the import sniffs for FLAC, Ogg and ID3-tagged MP3. */
const flac = new TextEncoder().encode('fLaC\0\0\0\x22')
const ogg = new TextEncoder().encode('OggS\0\x02')
const mp3 = Uint8Array.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0])

describe('loadClassFolders', () => {
  it('one folder per class: sorted names give ids, nested files count, folds come from a hash of the path', async () => {
    writeTree(root, {
      ...wavs('dog', ['a.wav', 'B.WAV']),
      'dog/session 2/c.flac': flac,
      'cat/d.ogg': ogg,
      'bird/e.mp3': mp3,
      'bird/readme.txt': 'not a sound file, not listed',
      'bird/._e.mp3': 'macOS metadata, hidden',
      '.trash/dog/x.wav': wav,
      'empty/notes.md': '',
      'loose.wav': wav,
    })
    const dataset = await loadClassFolders(root)
    expect(dataset).toMatchObject({ root, layout: 'folders' })
    expect(dataset.classes).toEqual([
      { id: 0, name: 'bird' },
      { id: 1, name: 'cat' },
      { id: 2, name: 'dog' },
    ])
    expect(dataset.clips.map((c) => [c.id, c.classId])).toEqual([
      ['bird/e.mp3', 0],
      ['cat/d.ogg', 1],
      ['dog/B.WAV', 2],
      ['dog/a.wav', 2],
      ['dog/session 2/c.flac', 2],
    ])
    expect(dataset.clips[4]!.path).toBe(join(root, 'dog', 'session 2', 'c.flac'))
    for (const clip of dataset.clips) expect(clip.fold).toBe(hashFold(clip.id))
    expect(dataset.folds).toEqual([...new Set(dataset.clips.map((c) => c.fold))].sort((a, b) => a - b))
    expect(dataset.problems.map((p) => p.message)).toEqual([
      'empty holds no .wav, .flac, .mp3, .ogg files: not a class.',
      expect.stringMatching(/^Sound files outside any class folder in percept-folders-\w+ are left out: loose\.wav\.$/),
    ])
  })

  it('hashFold is 1 + FNV-1a(path) mod 5, independent of the other files', () => {
    // Reference FNV-1a values: 'a' 0xe40c292c, 'dog/a.wav' 0x7a68ee99, 'hund/bellen-ü.wav' (UTF-8) 0xef585459.
    expect(hashFold('a')).toBe(1 + (0xe40c292c % 5))
    expect(hashFold('dog/a.wav')).toBe(1 + (0x7a68ee99 % 5))
    expect(hashFold('hund/bellen-ü.wav')).toBe(1 + (0xef585459 % 5))
    const folds = Array.from({ length: 500 }, (_, i) => hashFold(`class/${i}.wav`))
    expect(new Set(folds)).toEqual(new Set([1, 2, 3, 4, 5]))
    for (let fold = 1; fold <= 5; fold++) expect(folds.filter((f) => f === fold).length).toBeGreaterThan(70)
  })

  it('fold<N> folders give the folds; other top-level folders are reported', async () => {
    writeTree(root, {
      ...wavs('fold1/dog', ['a.wav']),
      ...wavs('fold1/cat', ['b.wav']),
      ...wavs('Fold_2/dog', ['c.wav']),
      ...wavs('fold10/siren', ['d.wav']),
      ...wavs('extra/dog', ['x.wav']),
    })
    const dataset = await loadClassFolders(root)
    expect(dataset.folds).toEqual([1, 2, 10])
    expect(dataset.classes.map((c) => c.name)).toEqual(['cat', 'dog', 'siren'])
    expect(dataset.clips.map((c) => [c.id, c.classId, c.fold])).toEqual([
      ['Fold_2/dog/c.wav', 1, 2],
      ['fold1/cat/b.wav', 0, 1],
      ['fold1/dog/a.wav', 1, 1],
      ['fold10/siren/d.wav', 2, 10],
    ])
    expect(dataset.problems.map((p) => p.message)).toEqual(['Beside the fold folders, these are in no fold and left out: extra.'])
  })

  it('sound files with no class folders, or no sound files at all, are refused', async () => {
    await expectError(() => loadClassFolders(root), 'NOT_FOUND', /no class folders with sound files/)
    writeTree(root, wavs('.', ['a.wav', 'b.wav']))
    await expectError(() => loadClassFolders(root), 'VALIDATION', /holds 2 sound files but no class folders/, /dog/)
  })
})
