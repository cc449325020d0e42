import { loadEsc50 } from '../../../main/sound/dataset'
import { importFromTempFolder, utf8 } from '../dataset-check'
import type { FuzzTarget } from '../target'

/*
 * ESC-50's meta/esc50.csv through the importer, in a throwaway folder holding the clips the seeds list.
 * Seeds: rows as the published file has them, reordered and quoted variants; hostile rows.
 */

const header = 'filename,fold,target,category,esc10,src_file,take'
const rows = [
  '1-100032-A-0.wav,1,0,dog,True,100032,A',
  '1-100038-A-14.wav,1,14,chirping_birds,False,100038,A',
  '2-100648-A-43.wav,2,43,chainsaw,False,100648,A',
  '5-103415-A-2.wav,5,2,pig,False,103415,A',
]
const clips = rows.map((r) => r.split(',')[0]!)

const target: FuzzTarget = {
  async seeds() {
    const reordered = ['category,target,fold,filename', ...rows.map((r) => r.split(',')).map((f) => [f[3], f[2], f[1], f[0]].join(','))]
    return [
      `${header}\n${rows.join('\n')}\n`,
      `\uFEFF${header}\r\n${rows.join('\r\n')}`,
      `${reordered.join('\n')}\n`,
      `${header}\n"1-100032-A-0.wav","1","0","dog",TRUE,"100032","A"\n${rows.slice(1).join('\n')}\n`,
      // Hostile: names leaving the folder, bad esc10, numbers past 2^53, an open quote, ragged rows.
      `${header}\n../meta/esc50.csv,1,0,dog,True,1,A\n${rows[0]}\n`,
      `${header}\n${rows[0]}\nx.wav,6,-1,dog,maybe,1,A\ny.wav,1e3,99999999999999999999,cat,,,\n`,
      `${header}\n${rows[0]}\n"open,1,0,dog,True,1,A\n${rows[1]}\n`,
      `${header}\n${rows[0]},,more\n,,,,,,\n\r\r\n${rows[2]}\n`,
    ].map(utf8)
  },
  async check(bytes) {
    await importFromTempFolder(bytes, 'meta/esc50.csv', clips, loadEsc50)
  },
}
export default target
