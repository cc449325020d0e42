import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import {
  ColorTable,
  colorTableCandidates,
  distinctColor,
  findColorTableFor,
  readColorTable,
  writeColorTable,
} from '../../../../main/imaging/labels'

/** A synthetic planar MRIcron LUT: red i, green 255 - i, blue 7i mod 256 for entry i. */
function syntheticLut(): Uint8Array {
  const bytes = new Uint8Array(768)
  for (let i = 0; i < 256; i++) {
    bytes[i] = i
    bytes[256 + i] = 255 - i
    bytes[512 + i] = (7 * i) % 256
  }
  return bytes
}

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-labels-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function expectCode(run: () => Promise<unknown>, code: string, pattern: RegExp): Promise<PerceptError> {
  let caught: unknown
  try {
    await run()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(PerceptError)
  expect((caught as PerceptError).code).toBe(code)
  expect((caught as PerceptError).message).toMatch(pattern)
  return caught as PerceptError
}

describe('readColorTable', () => {
  it('reads an MRIcron pair from either half: names from .txt, colours from the planar .lut', async () => {
    await writeFile(join(dir, 'atlas.nii.txt'), '1 Left_thing 11\r\n5 Right_thing 15\r\n300 Beyond_lut 0\r\n')
    await writeFile(join(dir, 'atlas.nii.lut'), syntheticLut())
    for (const half of ['atlas.nii.txt', 'atlas.nii.lut']) {
      const table = await readColorTable(join(dir, half))
      expect(table.format).toBe('mricron')
      expect(table.sources).toEqual([join(dir, 'atlas.nii.txt'), join(dir, 'atlas.nii.lut')])
      expect(table.get(1)).toEqual({ name: 'Left_thing', color: [1, 254, 7] })
      expect(table.get(5)).toEqual({ name: 'Right_thing', color: [5, 250, 35] })
      // Past the LUT's 256 entries a label keeps its distinct colour.
      expect(table.get(300)).toEqual({ name: 'Beyond_lut', color: distinctColor(300) })
    }
  })

  it('reads a .lut alone as labels 1..255', async () => {
    await writeFile(join(dir, 'alone.lut'), syntheticLut())
    const table = await readColorTable(join(dir, 'alone.lut'))
    expect(table.size).toBe(255)
    expect(table.get(200)).toEqual({ name: 'Label 200', color: [200, 55, (7 * 200) % 256] })
  })

  it('is NOT_FOUND for a missing file and INVALID_FILE for binary junk', async () => {
    await expectCode(() => readColorTable(join(dir, 'missing.txt')), 'NOT_FOUND', /missing\.txt/)
    await writeFile(join(dir, 'junk.bin'), Uint8Array.from({ length: 100 }, (_, i) => (i * 37) % 256))
    await expectCode(() => readColorTable(join(dir, 'junk.bin')), 'INVALID_FILE', /junk\.bin is not a colour table/)
  })

  it('says which line of a file that is no colour table is wrong, never what it holds', async () => {
    await writeFile(join(dir, 'secret.txt'), '# ITK-SnAP Label Description File\nhunter2 1 2 3 1 1 1 "token"\n')
    const error = await expectCode(() => readColorTable(join(dir, 'secret.txt')), 'INVALID_FILE', /secret\.txt is not a colour table this app reads \(line 2 is not a valid itk-snap row\)/)
    expect(error.message).not.toMatch(/hunter2|token/)
  })

  it('refuses a folder, and a file past 16 MiB, before reading it', async () => {
    await expectCode(() => readColorTable(tmpdir()), 'INVALID_FILE', /is a folder: choose a colour table in it/)
    const big = join(dir, 'big.txt')
    await writeFile(big, '')
    await truncate(big, 16 * 1024 ** 2 + 1)
    await expectCode(() => readColorTable(big), 'INVALID_FILE', /big\.txt is larger than a colour table can be \(over 16 MiB\)/)
  })
})

describe('writeColorTable', () => {
  const table = new ColorTable([
    [1, { name: 'Left hippocampus', color: [255, 0, 0] }],
    [2, { name: 'Right amygdala', color: [0, 128, 255], alpha: 0.5, visible: false }],
  ])

  it('round-trips through ITK-SNAP label descriptions', async () => {
    const path = join(dir, 'out', 'labels.txt')
    await writeColorTable(path, table)
    expect(await readFile(path, 'utf8')).toMatch(/ITK-SnAP Label Description File/)
    const back = await readColorTable(path)
    expect(back.format).toBe('itk-snap')
    expect(back.get(1)).toEqual({ name: 'Left hippocampus', color: [255, 0, 0], alpha: 1, visible: true })
    expect(back.get(2)).toEqual({ name: 'Right amygdala', color: [0, 128, 255], alpha: 0.5, visible: false })
  })

  it('round-trips through JSON exactly', async () => {
    const path = join(dir, 'labels.json')
    await writeColorTable(path, table)
    const back = await readColorTable(path)
    expect(back.format).toBe('json')
    expect(new Map(back)).toEqual(new Map(table))
  })
})

describe('findColorTableFor', () => {
  it('lists companions from the most specific stem', () => {
    const candidates = colorTableCandidates(join(dir, 'seg.nii.gz'))
    expect(candidates.slice(0, 2)).toEqual([join(dir, 'seg.nii.txt'), join(dir, 'seg.nii.lut')])
    expect(candidates).toContain(join(dir, 'seg.csv'))
    expect(candidates).toContain(join(dir, 'seg.json'))
  })

  it('passes over a companion that is no colour table and finds the next', async () => {
    await writeFile(join(dir, 'seg.txt'), 'scanned on Tuesday\n')
    await writeFile(join(dir, 'seg.csv'), 'label,name,color\n3,Tumour,#ff0000\n')
    const table = await findColorTableFor(join(dir, 'seg.nii.gz'))
    expect(table?.format).toBe('csv')
    expect(table?.get(3)).toEqual({ name: 'Tumour', color: [255, 0, 0] })
  })

  it('finds an MRIcron pair beside its volume and answers null when nothing is there', async () => {
    const table = await findColorTableFor(join(dir, 'atlas.nii.gz'))
    expect(table?.get(5)?.color).toEqual([5, 250, 35])
    expect(await findColorTableFor(join(dir, 'nothing.nii.gz'))).toBeNull()
  })
})

const TEMPLATES = '/usr/share/mricron/templates'
const haveTemplates = existsSync(join(TEMPLATES, 'aal.nii.txt'))
if (!haveTemplates) console.warn(`skipping the MRIcron atlas tables: ${TEMPLATES} is absent (apt install mricron-data)`)

// Expected values read off the files with head, cat -A and od (planar LUT: R at i, G at 256+i, B at 512+i).
describe.skipIf(!haveTemplates)('MRIcron atlas tables from mricron-data', () => {
  it('AAL: 116 names, colours from aal.nii.lut, black entries replaced', async () => {
    const table = await readColorTable(join(TEMPLATES, 'aal.nii.txt'))
    expect(table.format).toBe('mricron')
    expect(table.size).toBe(116)
    expect(table.get(1)).toEqual({ name: 'Precentral_L', color: [204, 204, 204] })
    expect(table.get(3)).toEqual({ name: 'Frontal_Sup_L', color: [203, 149, 149] })
    expect(table.get(116)?.name).toBe('Vermis_10')
    // aal.nii.lut holds 0,0,0 at 21 (Olfactory_L): unset, so the distinct colour stays.
    expect(table.get(22)).toEqual({ name: 'Olfactory_R', color: distinctColor(22) })
    expect(table.warnings).toHaveLength(1)
    expect(table.warnings[0]!.message).toMatch(/21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 63, 64, 113, 114, 115, 116/)
  })

  it('JHU white matter: tab-separated, label 0 named, colours from its .lut', async () => {
    const table = await findColorTableFor(join(TEMPLATES, 'JHU-WhiteMatter-labels-1mm.nii.gz'))
    expect(table?.size).toBe(49)
    expect(table?.get(0)?.name).toBe('Unclassified')
    expect(table?.get(2)?.name).toBe('Pontine_crossing_tract_(a_part_of_MCP)')
    expect(table?.get(48)).toEqual({ name: 'Tapetum_L', color: [149, 203, 203] })
  })
})
