import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ColorTable, findColorTableFor, formatItkSnapLabels, formatJsonColorTable, readColorTable } from '../../../main/imaging/labels'
import { expectRefusalOrSuccess, FuzzFailure, type FuzzTarget } from '../target'
import { withTempDir } from '../temp-files'

/**
 * Every colour-table format through color-table-file.ts: read directly, and found beside a label volume. The
 * first byte of an input picks the file's extension (low three bits) and whether the other half of an
 * MRIcron pair lies beside it (bit 3); the rest is the file.
 */

const extensions = ['.txt', '.lut', '.label', '.ctab', '.csv', '.json'] as const
const withSibling = 8

function table(): ColorTable {
  const t = new ColorTable()
  t.set(0, { name: 'Background', color: [0, 0, 0], alpha: 0, visible: false })
  t.set(1, { name: 'Left hippocampus', color: [220, 216, 20] })
  t.set(2, { name: 'Right "amygdala"', color: [103, 255, 255], alpha: 0.5 })
  t.set(17, { name: 'Ventricles', color: [120, 18, 134], visible: false })
  return t
}

/** Planar MRIcron colours: 256 reds, 256 greens, 256 blues. */
function mricronLut(): Uint8Array {
  const bytes = new Uint8Array(768)
  for (let i = 0; i < 256; i++) {
    bytes[i] = i
    bytes[256 + i] = 255 - i
    bytes[512 + i] = (7 * i) % 256
  }
  return bytes
}

const mricronNames = '0\tBackground\r\n1\tPrecentral_L 2001\r\n2\tPrecentral_R 2002\r\n17\tHippocampus_L\r\n'

function seed(extension: (typeof extensions)[number], content: string | Uint8Array, sibling = false): Uint8Array {
  const body = typeof content === 'string' ? new TextEncoder().encode(content) : content
  const out = new Uint8Array(1 + body.length)
  out[0] = extensions.indexOf(extension) | (sibling ? withSibling : 0)
  out.set(body, 1)
  return out
}

const target: FuzzTarget = {
  async seeds() {
    const t = table()
    const rows = [...t].map(([label, e]) => ({ label, ...e }))
    const freesurfer =
      '#No. Label Name:                R   G   B   A\n' +
      rows.map((r) => `${r.label}  ${r.name.replace(/\W+/g, '-')}  ${r.color.join(' ')}  ${Math.round((1 - (r.alpha ?? 1)) * 255)}`).join('\n')
    const csv = 'label,name,r,g,b,alpha\n' + rows.map((r) => `${r.label},"${r.name.replace(/"/g, '""')}",${r.color.join(',')},${r.alpha ?? 1}`).join('\n')
    const csvHex = 'Index;Structure;Colour\n' + rows.map((r) => `${r.label};${r.name};#${r.color.map((c) => c.toString(16).padStart(2, '0')).join('')}`).join('\n')
    const jsonObject = JSON.stringify(Object.fromEntries(rows.map((r) => [String(r.label), { name: r.name, color: r.color }])))
    return [
      seed('.label', formatItkSnapLabels(t)),
      seed('.ctab', freesurfer),
      seed('.csv', csv),
      seed('.csv', csvHex),
      seed('.json', formatJsonColorTable(t)),
      seed('.json', jsonObject),
      seed('.txt', mricronNames, true),
      seed('.lut', mricronLut(), true),
      seed('.lut', mricronLut()),
      // Hostile: deep nesting, a long array, prototype keys, numbers past every range, a 768-byte text file.
      seed('.json', '['.repeat(20_000) + ']'.repeat(20_000)),
      seed('.json', JSON.stringify({ labels: Array.from({ length: 20_000 }, (_, i) => ({ label: i, name: `L${i}` })) })),
      seed('.json', '{"__proto__": {"polluted": "yes"}, "1": {"name": "a", "__proto__": {"polluted": "yes"}}, "constructor": {"prototype": {"polluted": "yes"}}}'),
      seed('.json', '[{"label": 1e308, "name": "big"}, {"label": -0, "name": [], "color": "#zzzzzz"}, {"label": 2, "name": "x", "color": [1e9, -1, 0.5]}]'),
      seed('.label', '  99999999999999999999 255 0 0 1e999 1 1 "huge"\n-1 -1 -1 -1 NaN 0 0 "negative"\n'),
      seed('.txt', '1 ' + 'x'.repeat(766)),
    ]
  },
  async check(bytes) {
    const flags = bytes[0] ?? 0
    const extension = extensions[(flags & 7) % extensions.length]!
    const content = bytes.subarray(1)
    await withTempDir(async (dir) => {
      const path = join(dir, `atlas.nii${extension}`)
      await writeFile(path, content)
      if (flags & withSibling && extension === '.txt') await writeFile(join(dir, 'atlas.nii.lut'), mricronLut())
      if (flags & withSibling && extension === '.lut') await writeFile(join(dir, 'atlas.nii.txt'), mricronNames)
      await expectRefusalOrSuccess(() => readColorTable(path))
      await findColorTableFor(join(dir, 'atlas.nii.gz'))
    })
    if (({} as Record<string, unknown>)['polluted'] !== undefined) throw new FuzzFailure('a colour table polluted Object.prototype')
  },
}
export default target
