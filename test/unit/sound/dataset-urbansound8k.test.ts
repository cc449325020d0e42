import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadUrbanSound8K } from '../../../main/sound/dataset'
import { tempHome } from '../../helpers/temp-home'
import { expectError, urbanSound8KHeader, wav, wavs, writeTree } from './dataset-fixtures'

let root: string
let cleanup: () => void
beforeEach(() => {
  ;({ home: root, cleanup } = tempHome('percept-us8k-'))
})
afterEach(() => cleanup())

/** The metadata CSV (rows joined with `eol`) and every listed file in audio/fold<N>/. */
function us8k(rows: string[], eol = '\n', header = urbanSound8KHeader): void {
  writeTree(root, { 'metadata/UrbanSound8K.csv': [header, ...rows].join(eol) + eol })
}

describe('loadUrbanSound8K', () => {
  it('reads the published header and rows, CRLF line ends and quoted fields', async () => {
    us8k(
      [
        '100032-3-0-0.wav,100032,0.0,0.317551,1,5,3,dog_bark',
        '100263-2-0-117.wav,100263,58.5,62.5,1,5,2,children_playing',
        '"100648-1-0-0.wav","100648","4.823402","5.471927","2","10","1","car_horn"',
        '101415-3-0-2.wav,101415,1.0,5.0,1,1,3,"dog_bark"',
      ],
      '\r\n',
    )
    writeTree(root, {
      ...wavs('audio/fold5', ['100032-3-0-0.wav', '100263-2-0-117.wav']),
      ...wavs('audio/fold10', ['100648-1-0-0.wav']),
      ...wavs('audio/fold1', ['101415-3-0-2.wav']),
    })
    const dataset = await loadUrbanSound8K(root)
    expect(dataset.problems).toEqual([])
    expect(dataset).toMatchObject({ root, layout: 'urbansound8k', name: 'UrbanSound8K', folds: [1, 5, 10] })
    expect(dataset.classes).toEqual([
      { id: 1, name: 'car_horn' },
      { id: 2, name: 'children_playing' },
      { id: 3, name: 'dog_bark' },
    ])
    expect(dataset.clips[0]).toEqual({
      id: 'fold5/100032-3-0-0.wav',
      path: join(root, 'audio', 'fold5', '100032-3-0-0.wav'),
      classId: 3,
      fold: 5,
      source: '100032',
      start: 0,
      end: 0.317551,
      salience: 1,
    })
    expect(dataset.clips[2]).toMatchObject({ id: 'fold10/100648-1-0-0.wav', classId: 1, fold: 10, salience: 2, start: 4.823402 })
    expect(dataset.summary).toEqual({
      clips: 4,
      perClass: [
        { classId: 1, name: 'car_horn', clips: 1 },
        { classId: 2, name: 'children_playing', clips: 1 },
        { classId: 3, name: 'dog_bark', clips: 2 },
      ],
      perFold: [
        { fold: 1, clips: 1 },
        { fold: 5, clips: 2 },
        { fold: 10, clips: 1 },
      ],
    })
  })

  it('takes class ids and names from the data: three classes, ids 0, 3 and 7', async () => {
    us8k(['a.wav,1,0,1,1,1,7,jackhammer', 'b.wav,2,0,1,1,1,0,air_conditioner', 'c.wav,3,0,1,1,2,3,dog_bark'])
    writeTree(root, { ...wavs('audio/fold1', ['a.wav', 'b.wav']), ...wavs('audio/fold2', ['c.wav']) })
    const dataset = await loadUrbanSound8K(root)
    expect(dataset.classes).toEqual([
      { id: 0, name: 'air_conditioner' },
      { id: 3, name: 'dog_bark' },
      { id: 7, name: 'jackhammer' },
    ])
    expect(dataset.clips.map((c) => c.classId)).toEqual([7, 0, 3])
  })

  it('reads columns by header name, in any order, ignoring unknown columns', async () => {
    us8k(['dog_bark,3,2,x.wav,note,100032', 'siren,8,2,y.wav,,'], '\n', 'class,classID,fold,slice_file_name,comment,fsID')
    writeTree(root, wavs('audio/fold2', ['x.wav', 'y.wav']))
    const dataset = await loadUrbanSound8K(root)
    expect(dataset.problems).toEqual([])
    expect(dataset.clips).toEqual([
      { id: 'fold2/x.wav', path: join(root, 'audio', 'fold2', 'x.wav'), classId: 3, fold: 2, source: '100032' },
      { id: 'fold2/y.wav', path: join(root, 'audio', 'fold2', 'y.wav'), classId: 8, fold: 2 },
    ])
  })

  it('reports bad rows with their line and keeps the good ones', async () => {
    us8k([
      'ok.wav,1,0,1,1,1,3,dog_bark',
      'notnumber.wav,2,0,1,1,one,3,dog_bark',
      'eleven.wav,3,0,1,1,11,3,dog_bark',
      'noclass.wav,4,0,1,1,1,-1,',
      'short.wav,5,0,1',
      '../escape.wav,6,0,1,1,1,3,dog_bark',
      'badstart.wav,7,soon,1,1,1,3,dog_bark',
    ])
    writeTree(root, wavs('audio/fold1', ['ok.wav', 'badstart.wav']))
    const dataset = await loadUrbanSound8K(root)
    expect(dataset.clips.map((c) => c.id)).toEqual(['fold1/ok.wav'])
    const csv = join(root, 'metadata', 'UrbanSound8K.csv')
    const rows = dataset.problems.filter((p) => p.line !== undefined)
    expect(rows.map(({ line, path }) => ({ line, path }))).toEqual([3, 4, 5, 6, 7, 8].map((line) => ({ line, path: csv })))
    const messages = rows.map((p) => p.message)
    expect(messages[0]).toMatch(/Line 3: fold "one" is not a whole number/)
    expect(messages[1]).toMatch(/Line 4: fold 11 is outside 1-10/)
    expect(messages[2]).toMatch(/classID -1 is outside.*class is empty/)
    expect(messages[3]).toMatch(/Line 6 has 4 fields but the header has 8/)
    expect(messages[4]).toMatch(/"\.\.\/escape\.wav" is not a plain file name/)
    expect(messages[5]).toMatch(/start "soon" is not a number/)
  })

  it('reports a missing file, a text file named .wav, an empty file and a missing fold folder', async () => {
    us8k([
      'here.wav,1,0,1,1,1,3,dog_bark',
      'gone.wav,2,0,1,1,1,3,dog_bark',
      'notes.wav,3,0,1,1,1,3,dog_bark',
      'empty.wav,4,0,1,1,1,3,dog_bark',
      'a.wav,5,0,1,1,4,3,dog_bark',
      'b.wav,5,0,1,1,4,3,dog_bark',
    ])
    writeTree(root, { 'audio/fold1/here.wav': wav, 'audio/fold1/notes.wav': 'This is not audio.\n', 'audio/fold1/empty.wav': '' })
    const dataset = await loadUrbanSound8K(root)
    expect(dataset.clips.map((c) => c.id)).toEqual(['fold1/here.wav'])
    expect(dataset.problems).toEqual([
      { message: 'UrbanSound8K has 1 class: a classifier needs at least two.' },
      { path: join(root, 'audio', 'fold4'), message: 'audio/fold4 does not exist: its 2 clips are left out.' },
      { line: 3, path: join(root, 'audio', 'fold1', 'gone.wav'), message: 'fold1/gone.wav (line 3) does not exist. Left out.' },
      { line: 4, path: join(root, 'audio', 'fold1', 'notes.wav'), message: expect.stringMatching(/notes\.wav \(line 4\) is a text file, not audio/) },
      { line: 5, path: join(root, 'audio', 'fold1', 'empty.wav'), message: 'fold1/empty.wav (line 5) is empty (0 bytes). Left out.' },
    ])
  })

  it('reports a file listed twice (keeping the first) and a class id whose name disagrees between rows', async () => {
    us8k(['a.wav,1,0,1,1,1,3,dog_bark', 'a.wav,1,0,1,1,2,3,dog_bark', 'b.wav,2,0,1,1,1,3,dog', 'c.wav,3,0,1,1,1,4,dog'])
    writeTree(root, { ...wavs('audio/fold1', ['a.wav', 'b.wav', 'c.wav']), ...wavs('audio/fold2', ['a.wav']) })
    const dataset = await loadUrbanSound8K(root)
    expect(dataset.clips.map((c) => [c.id, c.classId])).toEqual([
      ['fold1/a.wav', 3],
      ['fold1/b.wav', 3],
      ['fold1/c.wav', 4],
    ])
    expect(dataset.classes).toEqual([
      { id: 3, name: 'dog_bark' },
      { id: 4, name: 'dog' },
    ])
    expect(dataset.problems.map((p) => [p.line, p.message])).toEqual([
      [3, 'a.wav is listed twice: fold1/a.wav (line 2) in fold 1 is kept, fold2/a.wav (line 3) in fold 2 left out.'],
      [4, 'Class 3 is called "dog" at fold1/b.wav (line 4) but "dog_bark" on line 2; its clips are all kept as class 3 "dog_bark".'],
      [5, 'The name "dog" has class id 4 at fold1/c.wav (line 5) but 3 elsewhere; both ids are kept.'],
    ])
  })

  it('refuses metadata without its key columns, and metadata without the audio folder', async () => {
    writeTree(root, { 'metadata/UrbanSound8K.csv': 'slice_file_name,fsID,class\nx.wav,1,dog_bark\n' })
    await expectError(() => loadUrbanSound8K(root), 'NOT_FOUND', /audio folder .*audio does not exist/)
    writeTree(root, { 'audio/fold1/x.wav': wav })
    await expectError(() => loadUrbanSound8K(root), 'VALIDATION', /lacks the columns fold, classID/)
  })

  it('refuses a data set where no clip is usable, listing the first problems', async () => {
    us8k(['gone.wav,1,0,1,1,1,3,dog_bark'])
    writeTree(root, { 'audio/fold1/other.wav': wav })
    const error = await expectError(() => loadUrbanSound8K(root), 'VALIDATION', /no usable clip .*gone\.wav \(line 2\) does not exist/)
    expect(error.details).toEqual({ problems: [expect.objectContaining({ line: 2 })] })
  })
})
