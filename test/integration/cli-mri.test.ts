import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDicomPhantom, writeDicomSeries } from '../../main/imaging/fixtures/dicom-series'
import { PHANTOM_MARKER } from '../../main/imaging/fixtures/phantom'
import { writePhantomSet, type PhantomFile } from '../../main/imaging/fixtures/phantom-files'
import { readNifti } from '../../main/imaging/nifti'
import { voxelToWorld, type Volume } from '../../main/imaging/volume'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept mri info|convert|import-dicom|stats|dice|mesh` as a user runs them, on the built app, with the
// phantoms of known geometry and, where installed, the mricron-data templates and atlases.
const templates = '/usr/share/mricron/templates'
const haveTemplates = existsSync(join(templates, 'aal.nii.gz'))
let home: string
let cleanup: () => void
let files: PhantomFile[]

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  files = await writePhantomSet(join(home, 'phantoms'), { seed: 5 })
}, 60_000)
afterAll(() => cleanup())

const file = (name: string): PhantomFile => files.find((f) => f.file.endsWith(name))!
const mri = (...args: string[]) => runCli(['mri', ...args], { PERCEPT_HOME: home })

/** World centroid (mm) of the voxels holding `value`. */
function centroid(volume: Volume, value: number): number[] {
  const sum = [0, 0, 0]
  let n = 0
  const [nx, ny] = volume.dims
  volume.data.forEach((v, index) => {
    if (v !== value) return
    const p = voxelToWorld(volume.affine, index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny)))
    p.forEach((c, a) => (sum[a]! += c))
    n++
  })
  return sum.map((s) => s / n)
}

describe('percept mri', () => {
  it('info --json gives the geometry as stored and the range of the scaled values', async () => {
    const phantom = file('lps-int16-scaled.nii.gz')
    const { code, stdout } = await mri('info', phantom.file, '--json')
    expect(code).toBe(0)
    const info = JSON.parse(stdout)
    expect(info).toMatchObject({ dims: [40, 48, 36], voxelSize: [2, 2, 2], datatype: 'int16', orientation: 'LPS', sformCode: phantom.sformCode, qformCode: phantom.qformCode, affineSource: phantom.affineSource })
    expect(info.affine).toHaveLength(16)
    expect([info.affine[0], info.affine[5], info.affine[10]]).toEqual([-2, -2, 2])
    // What the writer was given, before int16 storage (slope 2) rounded it by at most 1.
    const values = Array.from(phantom.volumes[0]!.data)
    expect(Math.abs(info.min - Math.min(...values))).toBeLessThanOrEqual(1)
    expect(Math.abs(info.max - Math.max(...values))).toBeLessThanOrEqual(1)
    expect(info.mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 0)
  })

  it('convert --reorient RAS permutes and flips exactly: the marker keeps its world position', async () => {
    const out = join(home, 'psr-labels-as-ras.nii.gz')
    const { code } = await mri('convert', file('labels-psr-int32.nii.gz').file, out, '--reorient', 'RAS')
    expect(code).toBe(0)
    const [converted, source] = await Promise.all([readNifti(out), readNifti(file('labels-psr-int32.nii.gz').file)])
    expect(JSON.parse((await mri('info', out, '--json')).stdout).orientation).toBe('RAS')
    const after = centroid(converted.volume, PHANTOM_MARKER.label)
    centroid(source.volume, PHANTOM_MARKER.label).forEach((c, a) => expect(after[a]).toBeCloseTo(c, 4))
    PHANTOM_MARKER.centerMm.forEach((c, a) => expect(Math.abs(after[a]! - c)).toBeLessThan(1))
  })

  it('convert --resample 1 --labels doubles a 2 mm grid by nearest neighbour, labels kept', async () => {
    const out = join(home, 'labels-1mm.nii.gz')
    expect((await mri('convert', file('labels-ras-uint8.nii.gz').file, out, '--resample', '1', '--labels')).code).toBe(0)
    const { volume } = await readNifti(out)
    expect(volume.dims).toEqual([80, 96, 72])
    expect(new Set(volume.data)).toEqual(new Set([0, 1, 2, 3, 4]))
  })

  it('import-dicom sorts the slices by position and keeps spacing and orientation', async () => {
    const dir = join(home, 'dicom')
    const { volume: phantom, marker } = makeDicomPhantom({ pixelSpacing: [0.8, 0.6], sliceGap: 2.5 })
    await writeDicomSeries(dir, phantom, { seed: 7, shuffleNames: true })
    const out = join(home, 'from-dicom.nii.gz')
    const { code, stdout } = await mri('import-dicom', dir, out)
    expect(code).toBe(0)
    expect(stdout).toMatch(/12 slices/)
    const { volume } = await readNifti(out)
    expect(volume.dims).toEqual(phantom.dims)
    volume.affine.forEach((v, i) => expect(v).toBeCloseTo(phantom.affine[i]!, 4))
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.data))
    expect(volume.data[marker.from[0] + 24 * (marker.from[1] + 20 * marker.from[2])]).toBe(marker.value)
  })

  it('stats --json lists every label with its voxels and volume in mL; dice of a map with itself is 1', async () => {
    const labels = file('labels-lps-int16.nii').file
    const stats = JSON.parse((await mri('stats', labels, '--json')).stdout)
    const data = Array.from(file('labels-lps-int16.nii').volumes[0]!.data)
    expect(stats.labels.map((l: { label: number }) => l.label)).toEqual([1, 2, 3, 4])
    for (const entry of stats.labels) {
      const voxels = data.filter((v) => v === entry.label).length
      expect(entry).toEqual({ label: entry.label, name: `Label ${entry.label}`, voxels, volumeMl: (voxels * 8) / 1000 })
    }
    const dice = JSON.parse((await mri('dice', labels, labels, '--json')).stdout)
    expect(dice.meanDice).toBe(1)
    // The same phantom stored LPS and RAS: one grid in two axis orders.
    const reordered = JSON.parse((await mri('dice', labels, file('labels-ras-uint8.nii.gz').file, '--json')).stdout)
    expect(reordered.meanDice).toBe(1)
    const resampled = join(home, 'labels-1mm-for-dice.nii.gz')
    await mri('convert', labels, resampled, '--resample', '1', '--labels')
    const other = await mri('dice', labels, resampled)
    expect(other.code).not.toBe(0)
    expect(other.stderr).toMatch(/different grids|grids differ/i)
  })

  it('mesh writes one OBJ per label', async () => {
    const out = join(home, 'meshes')
    const { code, stdout } = await mri('mesh', file('labels-ras-uint8.nii.gz').file, '--out', out, '--format', 'obj', '--json')
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.files.map((f: { label: number }) => f.label)).toEqual([1, 2, 3, 4])
    expect(readdirSync(out).sort()).toEqual(['1-Label_1.obj', '2-Label_2.obj', '3-Label_3.obj', '4-Label_4.obj'])
    const obj = readFileSync(join(out, '4-Label_4.obj'), 'utf8')
    expect(obj.split('\n').filter((l) => l.startsWith('v ')).length).toBe(result.files[3].vertices)
    expect((await mri('mesh', file('labels-ras-uint8.nii.gz').file, '--out', out, '--format', 'ply')).code).not.toBe(0)
  })

  it('refuses a file that is not a volume with a message', async () => {
    const bad = join(home, 'notes.nii.gz')
    writeFileSync(bad, 'not a volume')
    const { code, stderr } = await mri('info', bad)
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/INVALID_FILE/)
  })
})

describe.skipIf(!haveTemplates)('percept mri on the mricron-data templates and atlases', () => {
  it('info reads ch2better: 301 x 370 x 316 at 0.5 mm, RAS', async () => {
    const info = JSON.parse((await mri('info', join(templates, 'ch2better.nii.gz'), '--json')).stdout)
    expect(info).toMatchObject({ dims: [301, 370, 316], voxelSize: [0.5, 0.5, 0.5], orientation: 'RAS', datatype: 'uint8' })
  })

  it('stats names the 116 AAL regions from aal.nii.txt, at 1 mL per 1000 voxels', async () => {
    const stats = JSON.parse((await mri('stats', join(templates, 'aal.nii.gz'), '--json')).stdout)
    expect(stats.labels).toHaveLength(116)
    expect(stats.labels[0]).toMatchObject({ label: 1, name: 'Precentral_L' })
    for (const entry of stats.labels) expect(entry.volumeMl).toBeCloseTo(entry.voxels / 1000, 10)
  })
})
