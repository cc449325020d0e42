import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeAudio, describeAudio, encodeWav, type WavEncoding } from '../../main/dsp/io'
import { FuzzFailure } from './target'

/** A committed test file, as seed bytes: `audio/sine-mono.flac` (test/fixtures) or `fuzz-seeds/...`. */
export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url))))
}

/**
 * What every sound file goes through on opening: the content sniffer, then the AudioInfo every door
 * reports. What decodes must be usable audio: at least one channel, all of one length, a positive rate.
 */
export async function decodeAndDescribe(bytes: Uint8Array, name: string): Promise<void> {
  const audio = await decodeAudio(bytes, name)
  const frames = audio.channels[0]?.length
  if (frames === undefined || audio.channels.some((c) => c.length !== frames)) {
    throw new FuzzFailure(`decoded ${audio.channels.length} channels of lengths ${audio.channels.map((c) => c.length).join(', ')}`)
  }
  if (!(audio.sampleRate > 0 && Number.isFinite(audio.sampleRate))) throw new FuzzFailure(`decoded sample rate ${audio.sampleRate}`)
  const info = describeAudio(audio)
  if (!(info.duration >= 0)) throw new FuzzFailure(`duration ${info.duration}`)
}

/** Bytes with the little-endian 32-bit `value` written at `at` (a copy). */
export function withUint32(bytes: Uint8Array, at: number, value: number, littleEndian = true): Uint8Array {
  const out = bytes.slice()
  new DataView(out.buffer).setUint32(at, value, littleEndian)
  return out
}

/**
 * Runs `work` with console.warn and console.error muted: the wasm decoders and their container parser
 * print a line for each damaged frame, thousands in a run, which would bury the run's own report.
 */
export async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const { warn, error } = console
  console.warn = console.error = () => {}
  try {
    return await work()
  } finally {
    Object.assign(console, { warn, error })
  }
}

/** Seeds: a tone in every WAV sample format, 1 to 3 channels of `frames` frames at 8 kHz, peaking at `amplitude`. */
export function wavSeeds(frames: number, amplitude: number): Uint8Array[] {
  const encodings: WavEncoding[] = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64']
  const tone = (channels: number) => ({
    sampleRate: 8000,
    channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => Math.sin((i * (c + 1)) / 5) * amplitude)),
  })
  return encodings.map((encoding, i) => encodeWav(tone(1 + (i % 3)), encoding))
}
