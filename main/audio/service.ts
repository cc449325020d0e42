import { existsSync, statSync } from 'node:fs'
import { basename, extname, resolve } from 'node:path'
import { defaultSpectrogramSettings, spectrogramSettingsSchema, type AudioLabel, type MethodInput, type MethodOutput, type RecentSound, type ResourceRequest, type ResourceResponse, type SoundEditorState, type SpectrogramSettings } from '../api'
import { audioResourceLimits } from '../api/audio'
import { writeFileAtomic } from '../core/atomic-file'
import { PerceptError } from '../core/errors'
import { fileRangeResponse } from '../core/file-range'
import { readTextFile } from '../core/text-file'
import { storeUpload, uploadName } from '../core/upload'
import { WriteTargets } from '../core/write-target'
import type { SettingsStore } from '../core/settings-store'
import { writeWavFile, type WavEncoding } from '../dsp/io'
import { floatsOf } from '../dsp/samples'
import { formatAudacityLabels, parseAudacityLabels } from './audacity-labels'
import type { DecodedForEditor } from './editor-decode'
import { EditorStateFile, type EditorStateRead } from './editor-state'
import { describeOpenSound, OpenSounds, type OpenedSound } from './open-sounds'
import { probeSpectrogram, renderSpectrogram } from './spectrogram-view'

const audioExtensions = new Set(['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga'])
const maxUploadBytes = 2 * 1024 ** 3
const recentLimit = 20

export interface AudioServiceOptions {
  settings: SettingsStore
  /** Where dropped files are kept (they have no path of their own). */
  uploadDir: string
  /** Where playback renditions are written. */
  cacheDir: string
  /** How files are decoded (default: in this thread). */
  decode?: (path: string) => Promise<DecodedForEditor>
  /** Where exports and label tracks may be written (default: this machine's rules, no workspace). */
  writeTargets?: WriteTargets
  /** The file that keeps the editor's state (audio.editor.get/save); without it nothing is kept. */
  editorStateFile?: string
  /** Where warnings go (a damaged state file). */
  warn?: (message: string) => void
}

function bytesResponse(bytes: Uint8Array, headers: Record<string, string>): ResourceResponse {
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream', ...headers }, body: { kind: 'bytes', bytes } }
}

function asBytes(array: Float32Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
}

/** The audio core behind the editor: audio.* methods and the res/audio/... resources. */
export class AudioService {
  readonly sounds: OpenSounds
  private readonly loudest = new Map<string, number>()
  private readonly writeTargets: WriteTargets
  private readonly stateFile: EditorStateFile | null

  constructor(private readonly options: AudioServiceOptions) {
    this.sounds = new OpenSounds(options.cacheDir, options.decode)
    this.writeTargets = options.writeTargets ?? new WriteTargets()
    this.stateFile = options.editorStateFile ? new EditorStateFile(options.editorStateFile, options.warn) : null
  }

  /** Opens `path`; with `reuse`, the sound of that handle when it is still open for the same file (no decoding, not added to the recent list). */
  async open(path: string, reuse?: string): Promise<MethodOutput<'audio.open'>> {
    const full = resolve(path)
    const kept = reuse ? this.sounds.find(reuse) : undefined
    if (kept && kept.path === full) return describeOpenSound(kept)
    if (!existsSync(full)) throw new PerceptError('NOT_FOUND', `No file at ${full}.`)
    if (statSync(full).isDirectory()) throw new PerceptError('VALIDATION', `${full} is a folder: choose a sound file in it.`)
    const sound = await this.sounds.open(full)
    this.remember(sound)
    return describeOpenSound(sound)
  }

  close(id: string): MethodOutput<'audio.close'> {
    for (const key of this.loudest.keys()) if (key.startsWith(`${id}/`)) this.loudest.delete(key)
    return { closed: this.sounds.close(id) }
  }

  editorState(): Promise<EditorStateRead> {
    return this.stateFile ? this.stateFile.read() : Promise.resolve({ state: null, warning: null })
  }

  async saveEditorState(state: SoundEditorState): Promise<{ saved: boolean }> {
    if (!this.stateFile) return { saved: false }
    await this.stateFile.write(state)
    return { saved: true }
  }

  recent(): RecentSound[] {
    return this.options.settings.get('recentSounds').filter((r) => existsSync(r.path))
  }

  async export(input: MethodInput<'audio.export'>): Promise<MethodOutput<'audio.export'>> {
    const sound = this.sounds.get(input.id)
    const path = this.writeTargets.file(input.path, 'sound exports', ['.wav', '.wave'])
    const { sampleRate, channels } = sound.audio
    const [from, to] = this.frameRange(sound, input.start ?? 0, input.end ?? sound.info.duration)
    const gain = 10 ** ((input.gainDb ?? 0) / 20)
    let clipped = 0
    const out = channels.map((channel) => {
      const part = floatsOf(channel, from, to)
      if (gain !== 1) for (let i = 0; i < part.length; i++) part[i]! *= gain
      for (let i = 0; i < part.length; i++) if (part[i]! > 1 || part[i]! < -1) clipped++
      return part
    })
    const source = sound.audio.encoding
    const encoding: WavEncoding = input.encoding ?? (source === 'pcm16' || source === 'pcm24' ? source : 'float32')
    await writeWavFile(path, { sampleRate, channels: out }, encoding)
    return { path, frames: to - from, clipped: encoding === 'float32' ? 0 : clipped }
  }

  async readLabels(path: string): Promise<{ labels: AudioLabel[] }> {
    const full = resolve(path)
    if (!existsSync(full)) throw new PerceptError('NOT_FOUND', `No label file at ${full}.`)
    return { labels: parseAudacityLabels(await readTextFile(full, { what: 'an Audacity label track' }), basename(full)) }
  }

  async writeLabels(path: string, labels: AudioLabel[]): Promise<{ path: string; count: number }> {
    const full = this.writeTargets.file(path, 'Audacity labels', ['.txt'])
    await writeFileAtomic(full, formatAudacityLabels([...labels].sort((a, b) => a.start - b.start)))
    return { path: full, count: labels.length }
  }

  /** res/audio/...: media, peaks and spectrogram of an open sound; POST import for dropped files. */
  async resource(request: ResourceRequest): Promise<ResourceResponse> {
    const [first, what] = request.path
    if (first === 'import' && request.path.length === 1) {
      if (request.method !== 'POST') throw new PerceptError('VALIDATION', 'Send the file with POST.')
      const opened = await this.open(await this.storeUpload(request))
      return bytesResponse(new TextEncoder().encode(JSON.stringify(opened)), { 'Content-Type': 'application/json; charset=utf-8' })
    }
    if (first === undefined || request.path.length !== 2) throw new PerceptError('NOT_FOUND', `No resource audio/${request.path.join('/')}.`)
    const sound = this.sounds.get(first)
    if (what === 'media') {
      const { path, contentType } = sound.media
      return fileRangeResponse(path, statSync(path).size, request.range, contentType)
    }
    const q = request.query
    const [from, to] = this.frameRange(sound, number(q, 'start', 0), number(q, 'end', sound.info.duration))
    if (what === 'peaks') {
      const buckets = integer(q, 'buckets', 1, audioResourceLimits.maxBuckets)
      const window = sound.peaks.window(from, to, buckets)
      return bytesResponse(asBytes(window.data), { 'X-Frames-Per-Bucket': String(window.framesPerBucket) })
    }
    if (what === 'spectrogram') {
      const columns = integer(q, 'columns', 1, audioResourceLimits.maxColumns)
      const mels = q.has('mels') ? integer(q, 'mels', audioResourceLimits.minMels, audioResourceLimits.maxMels) : 128
      const settings = spectrogramSettings(q)
      const image = renderSpectrogram(sound.audio, from, to, columns, mels, settings, this.loudestCell(sound, mels, settings))
      return bytesResponse(image.bytes, { 'X-Min-Db': String(image.minDb), 'X-Max-Db': String(image.maxDb) })
    }
    throw new PerceptError('NOT_FOUND', `No resource audio/${request.path.join('/')}.`)
  }

  /** audio.spectrogram.probe: the dB of the cell under the editor's pointer, as its tile computed it. */
  probeSpectrogram(input: MethodInput<'audio.spectrogram.probe'>): MethodOutput<'audio.spectrogram.probe'> {
    const sound = this.sounds.get(input.id)
    return probeSpectrogram(sound.audio, Math.min(input.time, sound.info.duration), input.hz, input.rows, input.settings)
  }

  /**
   * The sound's loudest cell in dB, from a coarse pass over all of it (1024 columns), so every view
   * of it maps the same dB range (maxDb - range .. maxDb) to the same colours.
   */
  private loudestCell(sound: OpenedSound, rows: number, settings: SpectrogramSettings): number {
    const key = `${sound.id}/${rows}/${settings.fftSize}/${settings.window}/${settings.axis}`
    let db = this.loudest.get(key)
    if (db === undefined) {
      db = renderSpectrogram(sound.audio, 0, sound.info.frames, 1024, rows, settings).maxDb
      this.loudest.set(key, db)
    }
    return db
  }

  dispose(): void {
    this.sounds.closeAll()
  }

  /** Seconds to a frame range inside the sound, at least one frame long. */
  private frameRange(sound: OpenedSound, start: number, end: number): [number, number] {
    if (!(end > start)) throw new PerceptError('VALIDATION', `The range must end after it starts (start ${start} s, end ${end} s).`)
    const frames = sound.info.frames
    const from = Math.min(Math.max(0, Math.floor(start * sound.info.sampleRate)), Math.max(0, frames - 1))
    const to = Math.min(frames, Math.max(from + 1, Math.round(end * sound.info.sampleRate)))
    return [from, to]
  }

  private remember(sound: OpenedSound): void {
    const entry: RecentSound = { path: sound.path, name: sound.name, openedAt: new Date().toISOString() }
    const rest = this.options.settings.get('recentSounds').filter((r) => r.path !== sound.path)
    this.options.settings.set('recentSounds', [entry, ...rest].slice(0, recentLimit))
  }

  /** Stores a dropped sound file in the upload folder and returns its path. */
  private storeUpload(request: ResourceRequest): Promise<string> {
    const name = uploadName(request.query.get('name') ?? '')
    if (!audioExtensions.has(extname(name).toLowerCase())) {
      throw new PerceptError('VALIDATION', `"${name || 'this file'}" is not a sound file the editor opens (WAV, FLAC, MP3, Ogg Vorbis).`)
    }
    return storeUpload(request.body, { dir: this.options.uploadDir, name, maxBytes: maxUploadBytes, limitHint: 'the editor opens' })
  }
}

/** The spectrogram settings of a tile request (fft, window, axis, range), each defaulted when absent. */
function spectrogramSettings(query: URLSearchParams): SpectrogramSettings {
  const d = defaultSpectrogramSettings
  const numeric = (key: string, fallback: number) => (query.has(key) ? Number(query.get(key)) : fallback)
  const parsed = spectrogramSettingsSchema.safeParse({
    fftSize: numeric('fft', d.fftSize),
    window: query.get('window') ?? d.window,
    axis: query.get('axis') ?? d.axis,
    rangeDb: numeric('range', d.rangeDb),
  })
  if (!parsed.success) throw new PerceptError('VALIDATION', `Spectrogram settings: fft is 512, 1024, 2048 or 4096; window hann or hamming; axis mel or linear; range 60, 80, 100 or 120 (got "${query.toString()}").`)
  return parsed.data
}

function number(query: URLSearchParams, key: string, fallback: number): number {
  const raw = query.get(key)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) throw new PerceptError('VALIDATION', `${key} must be a number of seconds >= 0, got "${raw}".`)
  return value
}

function integer(query: URLSearchParams, key: string, min: number, max: number): number {
  const raw = query.get(key)
  const value = Number(raw)
  if (raw === null || !Number.isInteger(value) || value < min || value > max) {
    throw new PerceptError('VALIDATION', `${key} must be a whole number from ${min} to ${max}, got "${raw ?? ''}".`)
  }
  return value
}
