import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { MethodInput, MethodOutput, OpenVolume, RecentVolume, ResourceRequest, ResourceResponse, SegmentationModelInfo } from '../api'
import { writeFileAtomic } from '../core/atomic-file'
import { storeUpload, uploadName } from '../core/upload'
import { WriteTargets } from '../core/write-target'
import { PerceptError } from '../core/errors'
import type { EventBus } from '../core/event-bus'
import type { SettingsStore } from '../core/settings-store'
import { scanDicomFolder } from '../imaging/dicom'
import { diceByLabel } from '../imaging/labels'
import { defaultReduction, defaultSmoothIterations, meshFromBuffer, meshToObj, meshToStl } from '../imaging/mesh'
import { writeNifti } from '../imaging/nifti'
import { reorientToRas } from '../imaging/reorient'
import { describe, type OpenedVolume } from './opened-volume'
import { MriSegmentationService } from './segmentation-service'
import { inProcessRunner, type MriTaskRunner } from './worker-client'

const recentLimit = 20
const maxUploadBytes = 4 * 1024 ** 3

export interface MriServiceOptions {
  settings: SettingsStore
  /** Where dropped files are kept (a browser's File has no path); default: dropped files are refused. */
  uploadDir?: string
  events?: EventBus
  /** How the heavy work runs (default: in this thread). */
  run?: MriTaskRunner
  /** Volumes kept open; opening one more closes the least recently used. */
  capacity?: number
  /** Where exports may be written (default: this machine's rules, no workspace). */
  writeTargets?: WriteTargets
  /** The workspace's models folder (segmentation models installed there); default: none. */
  modelsDir?: string
  /** The app's bundled models (models/ with a folder per domain), or null. */
  bundledDir?: string | null
}

/** The MRI core behind the viewer: mri.* methods and the res/mri/... resources. */
export class MriService {
  private readonly volumes = new Map<string, OpenedVolume>()
  private readonly run: MriTaskRunner
  private readonly writeTargets: WriteTargets
  private readonly segmentation: MriSegmentationService

  constructor(private readonly options: MriServiceOptions) {
    this.run = options.run ?? inProcessRunner
    this.writeTargets = options.writeTargets ?? new WriteTargets()
    this.segmentation = new MriSegmentationService(
      {
        find: (id) => this.volumes.get(id),
        labelMap: (id) => this.labelMap(id),
        add: (volume) => {
          this.volumes.set(volume.id, volume)
          this.evict()
        },
        remember: (volume) => this.remember(volume),
      },
      {
        run: this.run,
        writeTargets: this.writeTargets,
        ...(options.events ? { events: options.events } : {}),
        ...(options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir }),
        ...(options.bundledDir === undefined ? {} : { bundledDir: options.bundledDir }),
      },
    )
  }

  async open(input: MethodInput<'mri.open'>): Promise<OpenVolume> {
    const path = resolve(input.path)
    if (!existsSync(path)) throw new PerceptError('NOT_FOUND', `No file or folder at ${path}.`)
    const kind = input.kind ?? 'image'
    const reference = input.reference === undefined ? undefined : this.volumes.get(input.reference)
    if (input.reference !== undefined && (!reference || reference.display.kind !== 'image')) {
      throw new PerceptError('NOT_FOUND', `No open image ${input.reference} to show the label map on: open the image first.`)
    }
    if (reference && kind !== 'labels') throw new PerceptError('VALIDATION', 'A reference grid applies to label maps only.')
    const result = await this.run(
      {
        task: 'open',
        path,
        options: {
          kind,
          ...(input.frame === undefined ? {} : { frame: input.frame }),
          ...(input.series === undefined ? {} : { series: input.series }),
          ...(input.lut === undefined ? {} : { lut: resolve(input.lut) }),
          ...(reference ? { grid: { dims: reference.display.dims, affine: reference.display.affine, toNative: reference.display.toNative } } : {}),
        },
      },
      (fraction, stage) => this.options.events?.emit('mri.progress', { task: 'open', target: path, fraction, stage }),
    )
    if (result.task !== 'open') throw new PerceptError('INTERNAL', 'The MRI thread answered the wrong task.')
    const opened: OpenedVolume = {
      id: `v${randomBytes(6).toString('hex')}`,
      path,
      name: basename(path),
      display: result.volume,
      meshes: new Map(),
      meshSettings: null,
      builds: new Set(),
      lastUsed: Date.now(),
    }
    this.volumes.set(opened.id, opened)
    this.evict()
    this.remember(opened)
    return describe(opened)
  }

  async series(path: string): Promise<MethodOutput<'mri.series'>> {
    const full = resolve(path)
    if (!existsSync(full) || !statSync(full).isDirectory()) throw new PerceptError('NOT_FOUND', `No folder at ${full}: DICOM series are read from a folder.`)
    return (await scanDicomFolder(full)).map(({ uid, description, modality, slices, rows, columns }) => ({ uid, description, modality, slices, rows, columns }))
  }

  close(id: string): { closed: boolean } {
    const volume = this.volumes.get(id)
    if (volume) {
      this.stopBuilds(volume)
      volume.segmenting?.abort(new PerceptError('CANCELLED', `${volume.name} was closed while it was being segmented; nothing was written.`))
    }
    return { closed: this.volumes.delete(id) }
  }

  /** Stops the surfaces being built for a label map; answers how many builds were stopped. */
  cancelMeshes(id: string): { cancelled: number } {
    return { cancelled: this.stopBuilds(this.labelMap(id)) }
  }

  private stopBuilds(volume: OpenedVolume): number {
    const builds = [...volume.builds]
    volume.builds.clear()
    for (const build of builds) build.abort(new PerceptError('CANCELLED', `Building the surfaces of ${volume.name} was stopped.`))
    return builds.length
  }

  recent(): RecentVolume[] {
    return this.options.settings.get('recentVolumes').filter((r) => existsSync(r.path))
  }

  async meshes(input: MethodInput<'mri.meshes'>): Promise<MethodOutput<'mri.meshes'>> {
    const started = performance.now()
    const volume = this.labelMap(input.id)
    const present = volume.display.labels!.map((l) => l.label)
    const wanted = input.labels ?? present
    const unknown = wanted.filter((l) => !present.includes(l))
    if (unknown.length) throw new PerceptError('VALIDATION', `Label${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in ${volume.name}.`)
    const options = { smoothIterations: input.smoothing ?? defaultSmoothIterations, reduction: input.reduction ?? defaultReduction }
    // The cache holds surfaces of one setting; asking with another rebuilds them.
    const settings = JSON.stringify(options)
    if (volume.meshSettings !== settings) {
      volume.meshes.clear()
      volume.meshSettings = settings
    }
    const missing = wanted.filter((l) => !volume.meshes.has(l))
    if (missing.length) {
      const build = new AbortController()
      volume.builds.add(build)
      try {
        // The label map's own grid (not a finer reference grid it may be shown on): the same surfaces in world mm, fewer voxels.
        const result = await this.run(
          { task: 'meshes', volume: volume.display.native!, labels: missing, options },
          (fraction, stage) => this.options.events?.emit('mri.progress', { task: 'meshes', target: volume.id, fraction, stage }),
          build.signal,
        )
        if (result.task !== 'meshes') throw new PerceptError('INTERNAL', 'The MRI thread answered the wrong task.')
        // Built with the settings asked for; another call may have changed the cache's settings meanwhile.
        if (volume.meshSettings === settings) for (const mesh of result.meshes) volume.meshes.set(mesh.label, mesh)
        else return this.meshes(input)
      } finally {
        volume.builds.delete(build)
      }
    }
    return {
      meshes: wanted.map((label) => {
        const mesh = volume.meshes.get(label)!
        return { label, vertices: mesh.vertices, triangles: mesh.triangles, url: `res/mri/${volume.id}/mesh/${label}` }
      }),
      seconds: (performance.now() - started) / 1000,
    }
  }

  dice(a: string, b: string): MethodOutput<'mri.dice'> {
    const first = this.labelMap(a)
    const second = this.labelMap(b)
    const names = new Map<number, { name: string; color: [number, number, number] }>()
    for (const entry of [...second.display.labels!, ...first.display.labels!]) names.set(entry.label, { name: entry.name, color: entry.color })
    // Compared on their RAS+ grids (an exact reordering), so two maps of one grid stored in different axis orders still match.
    const result = diceByLabel(reorientToRas(first.display.native!).volume, reorientToRas(second.display.native!).volume, names)
    return { labels: result.labels.map(({ label, name, dice, voxelsA, voxelsB }) => ({ label, name, dice, voxelsA, voxelsB })), meanDice: result.meanDice }
  }

  async exportLabels(id: string, path: string): Promise<{ path: string }> {
    const volume = this.labelMap(id)
    const target = this.writeTargets.file(path, 'label maps', ['.nii.gz', '.nii'])
    const native = volume.display.native!
    const { sformCode, qformCode, description } = volume.display.info
    const max = volume.display.labels!.reduce((m, l) => Math.max(m, l.label), 0)
    const min = volume.display.labels!.reduce((m, l) => Math.min(m, l.label), 0)
    const datatype = min >= 0 && max <= 255 ? 'uint8' : min >= -32768 && max <= 32767 ? 'int16' : 'int32'
    await writeNifti(target, native, {
      datatype,
      qform: { code: qformCode || sformCode || 1 },
      sform: { code: sformCode || qformCode || 1 },
      description: description.slice(0, 79),
    })
    return { path: target }
  }

  async exportMeshes(input: MethodInput<'mri.exportMeshes'>): Promise<{ files: string[] }> {
    const volume = this.labelMap(input.id)
    const dir = this.writeTargets.folder(input.dir, 'surface meshes')
    if (!existsSync(dir)) mkdirSync(dir)
    const { meshes } = await this.meshes({ id: input.id, ...(input.labels ? { labels: input.labels } : {}), smoothing: defaultSmoothIterations, reduction: defaultReduction })
    const format = input.format ?? 'stl'
    const files: string[] = []
    for (const summary of meshes) {
      const entry = volume.display.labels!.find((l) => l.label === summary.label)
      const name = `${summary.label}-${safeName(entry?.name ?? `Label ${summary.label}`)}`
      const mesh = meshFromBuffer(volume.meshes.get(summary.label)!.buffer)
      // Each file too: the folder passed, but a file of the same name may be a link to somewhere else.
      const file = this.writeTargets.file(join(dir, `${name}.${format}`), 'surface meshes', [`.${format}`])
      await writeFileAtomic(file, format === 'stl' ? meshToStl(mesh, name) : meshToObj(mesh, name))
      files.push(file)
    }
    return { files }
  }

  /** The 'mri-segmentation' packages installed and bundled (segmentation-service.ts). */
  segmentationModels(): Promise<SegmentationModelInfo[]> {
    return this.segmentation.segmentationModels()
  }

  /** Segments an open image in the MRI thread (segmentation-service.ts). */
  segment(input: MethodInput<'mri.segment'>): Promise<MethodOutput<'mri.segment'>> {
    return this.segmentation.segment(input)
  }

  /** Stops the segmentation of an open image; answers how many were stopped (0 or 1). */
  cancelSegment(id: string): { cancelled: number } {
    return this.segmentation.cancelSegment(id)
  }

  /** Writes a segmentation made by mri.segment (segmentation-service.ts). */
  saveSegmentation(input: MethodInput<'mri.saveSegmentation'>): Promise<MethodOutput<'mri.saveSegmentation'>> {
    return this.segmentation.saveSegmentation(input)
  }

  /** res/mri/<id>/voxels, res/mri/<id>/confidence (segmentations) and res/mri/<id>/mesh/<label>; POST res/mri/import?name=... stores a dropped file. */
  async resource(request: ResourceRequest): Promise<ResourceResponse> {
    const [id, what, label] = request.path
    if (id === 'import' && request.path.length === 1) {
      if (request.method !== 'POST') throw new PerceptError('VALIDATION', 'Send the file with POST.')
      const path = await this.storeUpload(request)
      return bytes(new TextEncoder().encode(JSON.stringify({ path })), { 'Content-Type': 'application/json; charset=utf-8' })
    }
    const volume = id === undefined ? undefined : this.volumes.get(id)
    if (!volume) throw new PerceptError('NOT_FOUND', `No open volume ${id ?? ''}: open it again.`)
    volume.lastUsed = Date.now()
    if (what === 'voxels' && request.path.length === 2) {
      const v = volume.display.voxels
      return bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), { 'X-Voxel-Type': v instanceof Int32Array ? 'int32' : 'float32' })
    }
    if (what === 'confidence' && request.path.length === 2) {
      const c = volume.segmentation?.confidence.display
      if (!c) throw new PerceptError('NOT_FOUND', `${volume.name} has no confidence map: only a segmentation made in the app has one.`)
      return bytes(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), { 'X-Voxel-Type': 'float32' })
    }
    if (what === 'mesh' && label !== undefined && request.path.length === 3) {
      const mesh = volume.meshes.get(Number(label))
      if (!mesh) throw new PerceptError('NOT_FOUND', `No surface of label ${label} yet: build it with mri.meshes.`)
      return bytes(mesh.buffer, {})
    }
    throw new PerceptError('NOT_FOUND', `No resource mri/${request.path.join('/')}.`)
  }

  /** Keeps a dropped volume in the workspace's uploads; the page then opens it by path like any other. */
  private storeUpload(request: ResourceRequest): Promise<string> {
    if (!this.options.uploadDir) throw new PerceptError('UNAVAILABLE', 'This door takes no uploads: open the file by its path.')
    const name = uploadName(request.query.get('name') ?? '')
    if (/\.(hdr|img)(\.gz)?$/i.test(name)) {
      throw new PerceptError('VALIDATION', `${name} is half of an ANALYZE-style .hdr/.img pair, which cannot travel alone: open the pair with Open image… instead.`)
    }
    if (!/\.nii(\.gz)?$/i.test(name)) throw new PerceptError('VALIDATION', `"${name || 'this file'}" is not a NIfTI volume (.nii, .nii.gz); DICOM folders open with Open image….`)
    return storeUpload(request.body, { dir: this.options.uploadDir, name, maxBytes: maxUploadBytes, limitHint: 'the viewer opens' })
  }

  private labelMap(id: string): OpenedVolume {
    const volume = this.volumes.get(id)
    if (!volume) throw new PerceptError('NOT_FOUND', `No open volume ${id}: open it again.`)
    if (volume.display.kind !== 'labels') throw new PerceptError('VALIDATION', `${volume.name} was opened as an image: open it as a label map.`)
    volume.lastUsed = Date.now()
    return volume
  }

  private evict(): void {
    const capacity = this.options.capacity ?? 8
    const byAge = [...this.volumes.values()].sort((a, b) => a.lastUsed - b.lastUsed)
    for (const old of byAge.slice(0, Math.max(0, byAge.length - capacity))) this.close(old.id)
  }

  private remember(volume: OpenedVolume): void {
    const entry: RecentVolume = { path: volume.path, name: volume.name, kind: volume.display.kind, openedAt: new Date().toISOString() }
    const rest = this.options.settings.get('recentVolumes').filter((r) => r.path !== volume.path)
    this.options.settings.set('recentVolumes', [entry, ...rest].slice(0, recentLimit))
  }
}

function bytes(body: Uint8Array, headers: Record<string, string>): ResourceResponse {
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream', ...headers }, body: { kind: 'bytes', bytes: body } }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 80)
}
