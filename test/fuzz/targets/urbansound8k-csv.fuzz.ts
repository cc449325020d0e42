import { loadUrbanSound8K } from '../../../main/sound/dataset'
import { importFromTempFolder, utf8 } from '../dataset-check'
import type { FuzzTarget } from '../target'

/*
 * UrbanSound8K's metadata/UrbanSound8K.csv through the importer, in a throwaway folder holding the
 * clips the seeds list. Seeds: rows as the published file has them, the columns reordered, CRLF with
 * a byte-order mark, quoted fields; hostile rows (paths, huge numbers, open quotes, ragged rows).
 */

const header = 'slice_file_name,fsID,start,end,salience,fold,classID,class'
const rows = [
  '100032-3-0-0.wav,100032,0.0,0.317551,1,5,3,dog_bark',
  '100263-2-0-117.wav,100263,58.5,62.5,1,5,2,children_playing',
  '100263-2-0-121.wav,100263,60.5,64.5,1,5,2,children_playing',
  '100648-1-0-0.wav,100648,4.823402,5.471927,2,10,1,car_horn',
  '101281-3-0-0.wav,101281,3.0,7.0,2,3,3,dog_bark',
]
const clips = ['fold5/100032-3-0-0.wav', 'fold5/100263-2-0-117.wav', 'fold5/100263-2-0-121.wav', 'fold10/100648-1-0-0.wav', 'fold3/101281-3-0-0.wav']

const target: FuzzTarget = {
  async seeds() {
    const reordered = ['class,classID,fold,slice_file_name', ...rows.map((r) => r.split(',')).map((f) => [f[7], f[6], f[5], f[0]].join(','))]
    return [
      `${header}\n${rows.join('\n')}\n`,
      `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`,
      `${reordered.join('\n')}\n`,
      `${header}\n"100032-3-0-0.wav",100032,0.0,0.317551,1,5,3,"dog_bark, ""loud"""\n${rows.slice(1).join('\n')}\n`,
      // Hostile: names leaving the folder, numbers past 2^53, an unterminated quote, ragged and empty rows.
      `${header}\n../../etc/passwd,1,0,1,1,5,3,dog_bark\n..,1,0,1,1,5,3,x\n${rows[0]}\n`,
      `${header}\n${rows[0]}\nx.wav,1,1e400,-1e400,NaN,99999999999999999999,99999999999999999999,dog_bark\n`,
      `${header}\n${rows[0]}\n"open,1,0,1,1,5,3,dog_bark\n${rows[1]}\n`,
      `${header}\n${rows[0]},extra,fields\n,,,,,,,\n\n\n${rows[1]}\n`,
      `${header}\n${rows[0]}\n${rows[0]}\n100032-3-0-0.wav,100032,0.0,0.3,1,5,4,siren\n`,
    ].map(utf8)
  },
  async check(bytes) {
    await importFromTempFolder(bytes, 'metadata/UrbanSound8K.csv', clips, loadUrbanSound8K)
  },
}
export default target
