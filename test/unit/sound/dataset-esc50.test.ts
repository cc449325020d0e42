import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadEsc50 } from '../../../main/sound/dataset'
import { tempHome } from '../../helpers/temp-home'
import { esc50Header, expectError, wavs, writeTree } from './dataset-fixtures'

let root: string
let cleanup: () => void
beforeEach(() => {
  ;({ home: root, cleanup } = tempHome('percept-esc50-'))
})
afterEach(() => cleanup())

const rows = [
  '1-100032-A-0.wav,1,0,dog,True,100032,A',
  '1-100038-A-14.wav,1,14,chirping_birds,False,100038,A',
  '1-100210-A-36.wav,1,36,vacuum_cleaner,False,100210,A',
  '1-100210-B-36.wav,1,36,vacuum_cleaner,False,100210,B',
  '2-102414-C-17.wav,2,17,pouring_water,False,102414,C',
  '5-9032-A-0.wav,5,0,dog,True,9032,A',
]

describe('loadEsc50', () => {
  it('reads the published header, esc10 column included, and audio/<filename>', async () => {
    writeTree(root, { 'meta/esc50.csv': [esc50Header, ...rows].join('\n') + '\n', ...wavs('audio', rows.map((r) => r.split(',')[0]!)) })
    const dataset = await loadEsc50(root)
    expect(dataset.problems).toEqual([])
    expect(dataset).toMatchObject({ layout: 'esc50', name: 'ESC-50', folds: [1, 2, 5] })
    expect(dataset.classes).toEqual([
      { id: 0, name: 'dog' },
      { id: 14, name: 'chirping_birds' },
      { id: 17, name: 'pouring_water' },
      { id: 36, name: 'vacuum_cleaner' },
    ])
    expect(dataset.clips[0]).toEqual({
      id: '1-100032-A-0.wav',
      path: join(root, 'audio', '1-100032-A-0.wav'),
      classId: 0,
      fold: 1,
      source: '100032',
      esc10: true,
    })
    expect(dataset.clips.filter((c) => c.esc10).map((c) => c.id)).toEqual(['1-100032-A-0.wav', '5-9032-A-0.wav'])
    expect(dataset.clips.filter((c) => c.source === '100210')).toHaveLength(2)
    expect(dataset.summary.perFold).toEqual([
      { fold: 1, clips: 4 },
      { fold: 2, clips: 1 },
      { fold: 5, clips: 1 },
    ])
  })

  it('reports fold 6 and a bad esc10 flag; a header without target is refused', async () => {
    const bad = ['6-1-A-0.wav,6,0,dog,True,1,A', '1-2-A-0.wav,1,0,dog,maybe,2,A']
    writeTree(root, { 'meta/esc50.csv': [esc50Header, ...rows, ...bad].join('\r\n'), ...wavs('audio', rows.map((r) => r.split(',')[0]!)) })
    const dataset = await loadEsc50(root)
    expect(dataset.clips).toHaveLength(rows.length)
    expect(dataset.problems.map((p) => p.message)).toEqual([
      'Line 8: fold 6 is outside 1-5. Row left out.',
      'Line 9: esc10 "maybe" is neither True nor False. Row left out.',
    ])
    writeTree(root, { 'meta/esc50.csv': 'filename,fold,category\n1-100032-A-0.wav,1,dog\n' })
    const noTarget = await expectError(() => loadEsc50(root), 'VALIDATION', /ESC-50 metadata: its first line lacks the column target \(it needs filename, fold, target, category\)/)
    expect(noTarget.message).not.toMatch(/filename,fold,category/) // the file's own line is not quoted back
  })
})
