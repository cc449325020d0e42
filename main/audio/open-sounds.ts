import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { AudioInfo, OpenSound } from '../api'
import { PerceptError } from '../core/errors'
import { writeWavFile, type DecodedSamples } from '../dsp/io'
import { floatData } from '../dsp/samples'
import { decodeForEditor, type DecodedForEditor } from './editor-decode'
import type { PeakPyramid } from './peak-pyramid'

/** What the browser is served for playback: the file itself, or a WAV rendition of it. */
export interface MediaSource {
  path: string
  contentType: string
  /** A rendition we wrote (deleted on close). */
  owned: boolean
}

export interface OpenedSound {
  id: string
  path: string
  name: string
  /** 8- and 16-bit PCM WAV in int16 channels (samples.ts), everything else float32. */
  audio: DecodedSamples
  info: AudioInfo
  peaks: PeakPyramid
  media: MediaSource
  lastUsed: number
}

/** Encodings Chromium's <audio> plays from a WAV; others (pcm32, float64) get a float32 rendition. */
const playableWav = new Set(['pcm8', 'pcm16', 'pcm24', 'float32'])
const contentTypes = { wav: 'audio/wav', flac: 'audio/flac', mp3: 'audio/mpeg', ogg: 'audio/ogg' } as const

/**
 * The sounds the editor has open: decoded samples, their peak pyramid and a playable source, by
 * id. At most `capacity` stay open; opening one more closes the least recently used.
 */
export class OpenSounds {
  private readonly sounds = new Map<string, OpenedSound>()

  constructor(
    /** Where WAV renditions for playback are written (a cache folder). */
    private readonly renditionDir: string,
    /** Decodes a file: in-process by default; the app passes one that uses a worker thread. */
    private readonly decode: (path: string) => Promise<DecodedForEditor> = decodeForEditor,
    private readonly capacity = 12,
  ) {}

  async open(path: string): Promise<OpenedSound> {
    const { audio, info, peaks } = await this.decode(path)
    const id = `s${randomBytes(6).toString('hex')}`
    const media: MediaSource =
      audio.format !== 'wav' || playableWav.has(audio.encoding)
        ? { path, contentType: contentTypes[audio.format], owned: false }
        : { path: join(this.renditionDir, `${id}.wav`), contentType: 'audio/wav', owned: true }
    if (media.owned) await writeWavFile(media.path, floatData(audio), 'float32')
    const sound: OpenedSound = {
      id,
      path,
      name: basename(path),
      audio,
      info,
      peaks,
      media,
      lastUsed: Date.now(),
    }
    this.sounds.set(id, sound)
    this.evict()
    return sound
  }

  get(id: string): OpenedSound {
    const sound = this.sounds.get(id)
    if (!sound) throw new PerceptError('NOT_FOUND', `No open sound ${id}: it was closed (open the file again).`)
    sound.lastUsed = Date.now()
    return sound
  }

  /** The sound of `id` if it is open (counted as a use), else undefined. */
  find(id: string): OpenedSound | undefined {
    const sound = this.sounds.get(id)
    if (sound) sound.lastUsed = Date.now()
    return sound
  }

  close(id: string): boolean {
    const sound = this.sounds.get(id)
    if (!sound) return false
    this.sounds.delete(id)
    if (sound.media.owned) rmSync(sound.media.path, { force: true })
    return true
  }

  closeAll(): void {
    for (const id of [...this.sounds.keys()]) this.close(id)
  }

  private evict(): void {
    while (this.sounds.size > this.capacity) {
      const oldest = [...this.sounds.values()].reduce((a, b) => (a.lastUsed <= b.lastUsed ? a : b))
      this.close(oldest.id)
    }
  }
}

export function describeOpenSound(sound: OpenedSound): OpenSound {
  return { id: sound.id, path: sound.path, name: sound.name, info: sound.info, media: `res/audio/${sound.id}/media` }
}
