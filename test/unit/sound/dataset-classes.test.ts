import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { datasetClassesOf } from '../../../main/sound/dataset/dataset-classes'
import { tempHome } from '../../helpers/temp-home'

let home: string
let cleanup: () => void
beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(() => cleanup())

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  return path
}

describe('the classes of the data set a sound lies in', () => {
  it('reads UrbanSound8K metadata two folders above audio/foldN/x.wav, and ESC-50 one above audio/x.wav', async () => {
    const urban = join(home, 'UrbanSound8K')
    write(
      join(urban, 'metadata', 'UrbanSound8K.csv'),
      'slice_file_name,fsID,start,end,salience,fold,classID,class\n' +
        'a.wav,1,0,4,1,1,3,dog_bark\nb.wav,2,0,4,1,2,8,siren\nc.wav,3,0,4,1,1,3,dog_bark\n',
    )
    const clip = write(join(urban, 'audio', 'fold1', 'a.wav'), '')
    expect(await datasetClassesOf(clip)).toEqual(['dog_bark', 'siren'])

    const esc = join(home, 'ESC-50-master')
    write(join(esc, 'meta', 'esc50.csv'), 'filename,fold,target,category,esc10,src_file,take\n1-1-A-0.wav,1,0,dog,True,1,A\n1-2-A-1.wav,1,1,rooster,False,2,A\n')
    expect(await datasetClassesOf(write(join(esc, 'audio', '1-1-A-0.wav'), ''))).toEqual(['dog', 'rooster'])
  })

  it('answers null for a sound in no data set, or beside metadata that is not a data set\'s', async () => {
    expect(await datasetClassesOf(write(join(home, 'music', 'song.wav'), ''))).toBeNull()
    write(join(home, 'odd', 'metadata', 'UrbanSound8K.csv'), 'name,size\nx,1\n')
    expect(await datasetClassesOf(write(join(home, 'odd', 'audio', 'fold1', 'x.wav'), ''))).toBeNull()
  })
})
