import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DiceResult, MeshSummary, OpenVolume, ResourceResponse } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'
import { makeDicomPhantom, writeDicomSeries } from '../../main/imaging/fixtures/dicom-series'
import { ellipsoidVolumeMm3, PHANTOM_MARKER, PHANTOM_SHELLS } from '../../main/imaging/fixtures/phantom'
import { writePhantomSet, type PhantomFile } from '../../main/imaging/fixtures/phantom-files'
import { meshFromBuffer, meshVolumeMm3 } from '../../main/imaging/mesh'
import { readNifti } from '../../main/imaging/nifti'
import { routerCalls } from '../helpers/router-calls'
import { tempApp } from '../helpers/temp-app'

// The MRI core through the router and res/mri/...: volumes read in a worker thread and reoriented to RAS+
// for the viewer, label maps measured, shown on an image's grid, compared (Dice), meshed and exported.
let app: PerceptApp
let cleanup: () => void
let dir: string
let files: PhantomFile[]
const { call, fail } = routerCalls(() => app)

beforeAll(async () => {
  ;({ app, close: cleanup } = tempApp())
  dir = mkdtempSync(join(tmpdir(), 'percept-mri-'))
  files = await writePhantomSet(dir, { seed: 3 })
}, 60_000)

afterAll(() => {
  cleanup?.()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const file = (name: string): string => files.find((f) => f.file.endsWith(name))!.file

async function get(path: string): Promise<ResourceResponse> {
  return app.resources({ method: 'GET', path: path.replace(/^res\//, '').split('/'), query: new URLSearchParams(), range: null, body: null })
}

async function bytesOf(url: string): Promise<Uint8Array> {
  const response = await get(url)
  expect(response.status).toBe(200)
  if (response.body?.kind !== 'bytes') throw new Error('expected bytes')
  return response.body.bytes
}

function copy(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/** The display index of the marker's centre voxel: (33, 40, 30) on the phantoms' 40 x 48 x 36 grid at 2 mm. */
const marker = [33, 40, 30] as const
const at = (dims: readonly number[], [i, j, k]: readonly number[]): number => i! + dims[0]! * (j! + dims[1]! * k!)

describe('mri.open', () => {
  it('reads an LPS int16 file with scaling, reorients it to RAS+ and serves the voxels as float32', async () => {
    const opened = await call<OpenVolume>('mri.open', { path: file('lps-int16-scaled.nii.gz') })
    expect(opened.info).toMatchObject({ format: 'nifti1', orientation: 'LPS', datatype: 'int16', dims: [40, 48, 36], voxelSize: [2, 2, 2] })
    expect(opened.display.dims).toEqual([40, 48, 36])
    expect(opened.display.toNative).toEqual({ axes: [0, 1, 2], flip: [true, true, false] })
    // Display x grows to the right: the affine's diagonal is positive.
    expect([opened.display.affine[0], opened.display.affine[5], opened.display.affine[10]]).toEqual([2, 2, 2])
    const voxels = new Float32Array(copy(await bytesOf(opened.display.voxels)))
    expect(voxels.length).toBe(40 * 48 * 36)
    // Stored int16 scaled by 2, -100: the marker's intensity 250 (+- noise) survives the scaling.
    expect(Math.abs(voxels[at(opened.display.dims, marker)]! - PHANTOM_MARKER.intensity)).toBeLessThan(20)
    // Its mirror image on the left holds no marker.
    expect(voxels[at(opened.display.dims, [40 - 1 - marker[0], marker[1], marker[2]])]!).toBeLessThan(200)
    expect(opened.display.window.low).toBeLessThan(opened.display.window.high)
  })

  it('lists a label map with names, colours and volumes and remembers what was opened', async () => {
    const opened = await call<OpenVolume>('mri.open', { path: file('labels-psr-int32.nii.gz'), kind: 'labels' })
    expect(opened.display.voxelType).toBe('int32')
    const labels = opened.labels!
    expect(labels.map((l) => l.label)).toEqual([1, 2, 3, 4])
    const native = await readNifti(file('labels-psr-int32.nii.gz'))
    for (const entry of labels) {
      const count = Array.from(native.volume.data).filter((v) => v === entry.label).length
      expect(entry.voxels).toBe(count)
      expect(entry.volumeMl).toBeCloseTo((count * 8) / 1000, 10)
      expect(entry.name).toBe(`Label ${entry.label}`)
      expect(entry.color.some((c) => c > 0)).toBe(true)
    }
    // The innermost ellipsoid: within 10% of 4/3 pi abc at 2 mm voxels.
    expect(labels[2]!.volumeMl * 1000).toBeGreaterThan(0.9 * ellipsoidVolumeMm3(PHANTOM_SHELLS[2]!.semiAxesMm))
    expect(labels[2]!.volumeMl * 1000).toBeLessThan(1.1 * ellipsoidVolumeMm3(PHANTOM_SHELLS[2]!.semiAxesMm))
    const recent = await call<{ path: string; kind: string }[]>('mri.recent', {})
    expect(recent[0]).toMatchObject({ path: file('labels-psr-int32.nii.gz'), kind: 'labels' })
  })

  it("shows a label map stored in another axis order on an image's grid, marker on marker", async () => {
    const image = await call<OpenVolume>('mri.open', { path: file('psr-float32.nii') })
    const labels = await call<OpenVolume>('mri.open', { path: file('labels-lps-int16.nii'), kind: 'labels', reference: image.id })
    expect(labels.display.dims).toEqual(image.display.dims)
    expect(labels.display.affine).toEqual(image.display.affine)
    const voxels = new Int32Array(copy(await bytesOf(labels.display.voxels)))
    expect(voxels[at(labels.display.dims, marker)]).toBe(PHANTOM_MARKER.label)
    const fail1 = await fail('mri.open', { path: file('labels-lps-int16.nii'), kind: 'labels', reference: 'v000' })
    expect(fail1.code).toBe('NOT_FOUND')
  })

  it('refuses a text file, a missing file and a label request on RGB with messages a person can act on', async () => {
    const text = join(dir, 'notes.nii')
    writeFileSync(text, 'these are notes, not a volume\n'.repeat(20))
    expect(await fail('mri.open', { path: text })).toMatchObject({ code: 'INVALID_FILE' })
    expect(await fail('mri.open', { path: join(dir, 'absent.nii.gz') })).toMatchObject({ code: 'NOT_FOUND' })
    const rgb = await fail('mri.open', { path: file('ras-rgb24.nii'), kind: 'labels' })
    expect(rgb.code).toBe('INVALID_FILE')
    expect(rgb.message).toMatch(/RGB/)
  })
})

describe('DICOM folders and dropped files', () => {
  it('lists the series of a folder, asks which to open, and opens the one chosen', async () => {
    const folder = join(dir, 'dicom')
    const { volume, marker } = makeDicomPhantom({ pixelSpacing: [0.8, 0.6], sliceGap: 2.5 })
    const first = await writeDicomSeries(folder, volume, { seed: 1, description: 'T1 axial' })
    await writeDicomSeries(join(folder, 'second'), volume, { seed: 2, description: 'T1 repeat', seriesNumber: 2 })
    const series = await call<{ uid: string; description: string; slices: number }[]>('mri.series', { path: folder })
    expect(series.map((s) => [s.description, s.slices])).toEqual([['T1 axial', 12], ['T1 repeat', 12]])
    const unchosen = await fail('mri.open', { path: folder })
    expect(unchosen.code).toBe('VALIDATION')
    expect(unchosen.message).toContain(first.seriesUid)
    const opened = await call<OpenVolume>('mri.open', { path: folder, series: first.seriesUid })
    expect(opened.info).toMatchObject({ format: 'dicom', dims: [24, 20, 12], orientation: 'LPS' })
    expect(opened.info.voxelSize.map((v) => Math.round(v * 1000) / 1000)).toEqual([0.6, 0.8, 2.5])
    // The marker sits at native voxels from..to; the display grid (RAS+) flips i and j.
    const voxels = new Float32Array(copy(await bytesOf(opened.display.voxels)))
    const [i, j, k] = marker.from
    expect(voxels[at(opened.display.dims, [24 - 1 - i, 20 - 1 - j, k])]).toBe(marker.value)
  })

  it('keeps a dropped .nii.gz in the workspace and answers its path; refuses half of a .hdr/.img pair', async () => {
    const source = file('labels-ras-uint8.nii.gz')
    const upload = (name: string, bytes: Uint8Array) =>
      app.resources({ method: 'POST', path: ['mri', 'import'], query: new URLSearchParams({ name }), range: null, body: (async function* () { yield bytes })() })
    const response = await upload('dropped labels.nii.gz', readFileSync(source))
    expect(response.status).toBe(200)
    const { path } = JSON.parse(new TextDecoder().decode(response.body?.kind === 'bytes' ? response.body.bytes : new Uint8Array()))
    expect(path).toMatch(/datasets[\\/]dropped[\\/]dropped labels\.nii\.gz$/)
    expect(readFileSync(path)).toEqual(readFileSync(source))
    const opened = await call<OpenVolume>('mri.open', { path, kind: 'labels' })
    expect(opened.labels!.map((l) => l.label)).toEqual([1, 2, 3, 4])
    const half = await upload('scan.hdr', new Uint8Array(348))
    expect(half.status).toBe(400)
  })
})

describe('label maps', () => {
  it('compares two maps of one grid stored in different axis orders (Dice 1 for every label)', async () => {
    const a = await call<OpenVolume>('mri.open', { path: file('labels-ras-uint8.nii.gz'), kind: 'labels' })
    const b = await call<OpenVolume>('mri.open', { path: file('labels-psr-int32.nii.gz'), kind: 'labels' })
    const dice = await call<DiceResult>('mri.dice', { a: a.id, b: b.id })
    expect(dice.labels.map((l) => [l.label, l.dice])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1]])
    expect(dice.meanDice).toBe(1)
    const image = await call<OpenVolume>('mri.open', { path: file('ras-uint8.nii') })
    expect(await fail('mri.dice', { a: a.id, b: image.id })).toMatchObject({ code: 'VALIDATION' })
  })

  it('builds closed surfaces in a worker and serves them; the marker cube encloses about its voxel volume', async () => {
    const labels = await call<OpenVolume>('mri.open', { path: file('labels-lps-int16.nii'), kind: 'labels' })
    const { meshes } = await call<{ meshes: MeshSummary[] }>('mri.meshes', { id: labels.id, smoothing: 0, reduction: 0 })
    expect(meshes.map((m) => m.label)).toEqual([1, 2, 3, 4])
    const cube = meshes.find((m) => m.label === PHANTOM_MARKER.label)!
    const mesh = meshFromBuffer(await bytesOf(cube.url))
    expect(mesh.positions.length / 3).toBe(cube.vertices)
    const voxelsMm3 = labels.labels!.find((l) => l.label === PHANTOM_MARKER.label)!.voxels * 8
    // Marching cubes at 0.5 cuts the corners of a voxel block: less than the block, more than half of it.
    expect(meshVolumeMm3(mesh)).toBeLessThan(voxelsMm3)
    expect(meshVolumeMm3(mesh)).toBeGreaterThan(0.5 * voxelsMm3)
    // World mm, RAS+: the marker's surface lies in the right, anterior, superior octant.
    for (let v = 0; v < mesh.positions.length; v += 3) {
      expect(mesh.positions[v]!).toBeGreaterThan(0)
      expect(mesh.positions[v + 1]!).toBeGreaterThan(0)
      expect(mesh.positions[v + 2]!).toBeGreaterThan(0)
    }
    expect(await fail('mri.meshes', { id: labels.id, labels: [9] })).toMatchObject({ code: 'VALIDATION' })
    // Other settings rebuild rather than answer the cached surfaces.
    const simplified = await call<{ meshes: MeshSummary[] }>('mri.meshes', { id: labels.id, labels: [1], smoothing: 0, reduction: 0.5 })
    expect(simplified.meshes[0]!.triangles).toBeLessThan(meshes[0]!.triangles)
  })

  it('stops a build when asked (its worker ends, the call fails with CANCELLED) and builds again afterwards', async () => {
    const labels = await call<OpenVolume>('mri.open', { path: file('labels-ras-uint8.nii.gz'), kind: 'labels' })
    expect(await call('mri.cancelMeshes', { id: labels.id })).toEqual({ cancelled: 0 })
    const building = fail('mri.meshes', { id: labels.id, smoothing: 50, reduction: 0 })
    // The build is registered as soon as the call reaches the service, long before its worker thread is up.
    let cancelled = 0
    for (let i = 0; i < 200 && cancelled === 0; i++) {
      cancelled = (await call<{ cancelled: number }>('mri.cancelMeshes', { id: labels.id })).cancelled
      if (cancelled === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(cancelled).toBe(1)
    expect(await building).toMatchObject({ code: 'CANCELLED' })
    const { meshes } = await call<{ meshes: MeshSummary[] }>('mri.meshes', { id: labels.id, labels: [2] })
    expect(meshes[0]!.triangles).toBeGreaterThan(0)
    // Closing the label map stops its builds too.
    const again = fail('mri.meshes', { id: labels.id, labels: [1, 3], smoothing: 50, reduction: 0 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await call('mri.close', { id: labels.id })).toEqual({ closed: true })
    expect(await again).toMatchObject({ code: 'CANCELLED' })
  })

  it('exports labels as NIfTI on their own grid and surfaces as STL, atomically', async () => {
    const labels = await call<OpenVolume>('mri.open', { path: file('labels-psr-int32.nii.gz'), kind: 'labels' })
    const out = join(dir, 'exported-labels.nii.gz')
    await call('mri.exportLabels', { id: labels.id, path: out })
    const [written, source] = await Promise.all([readNifti(out), readNifti(file('labels-psr-int32.nii.gz'))])
    expect(written.volume.dims).toEqual(source.volume.dims)
    written.volume.affine.forEach((v, i) => expect(v).toBeCloseTo(source.volume.affine[i]!, 4))
    expect(Array.from(written.volume.data)).toEqual(Array.from(source.volume.data))
    expect(written.volume.datatype).toBe('uint8')
    expect(await fail('mri.exportLabels', { id: labels.id, path: join(dir, 'labels.txt') })).toMatchObject({ code: 'VALIDATION' })

    const { files: stl } = await call<{ files: string[] }>('mri.exportMeshes', { id: labels.id, dir: join(dir, 'meshes'), format: 'stl', labels: [3, 4] })
    expect(stl.map((f) => f.split('/').pop())).toEqual(['3-Label_3.stl', '4-Label_4.stl'])
    for (const f of stl) {
      const bytes = readFileSync(f)
      expect(statSync(f).size).toBe(84 + 50 * bytes.readUInt32LE(80))
    }
  })
})
