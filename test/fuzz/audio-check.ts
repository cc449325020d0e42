import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeAudio, describeAudio } from '../../main/dsp/io'
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
