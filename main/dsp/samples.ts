import type { AudioData } from './audio-data'
import { int16FloatsBinary } from './simd/int16-floats.wasm'
import { wasmKernel, type WasmKernel } from './wasm-instance'

/*
 * Samples as the editor keeps an open sound: float32 at full scale +-1, or, for 8- and 16-bit PCM, the
 * int16 values themselves (full scale 32768). An hour of 44.1 kHz stereo is 1.27 GB as floats and 635 MB
 * as int16; on a VM that backs memory on first touch (about 3 s a GB seen), that half is most of what an
 * open of a long file waits for. x * 2^-15 is the sample's float32 exactly, so every figure computed from
 * the int16 form equals the one from the floats.
 */

export type Samples = Float32Array | Int16Array

/** AudioData whose channels may be int16 (see above). */
export interface SampleData {
  sampleRate: number
  /** Channel-major, all the same length. */
  channels: Samples[]
}

/** What an int16 sample is multiplied by to give its float. */
export const int16Scale = 2 ** -15

/** The factor that turns one of x's samples into a float at full scale +-1. */
export function sampleScale(x: Samples): number {
  return x instanceof Int16Array ? int16Scale : 1
}

/** x[from, to) as floats, into out from `at` (a plain copy for float channels). */
export function copyFloats(x: Samples, from: number, to: number, out: Float32Array, at = 0): void {
  if (x instanceof Float32Array) return out.set(x.subarray(from, to), at)
  const k = kernel()
  if (!k) return int16FloatsJs(x, from, to, out, at)
  for (let p = from; p < to; p += chunkSamples) {
    const end = Math.min(to, p + chunkSamples)
    k.i16.set(x.subarray(p, end), srcAt / 2)
    k.run(srcAt, end - p, dstAt)
    out.set(k.f32.subarray(dstAt / 4, dstAt / 4 + end - p), at + p - from)
  }
}

/** copyFloats for int16 in JavaScript, where wasm SIMD is missing: the same values. */
export function int16FloatsJs(x: Int16Array, from: number, to: number, out: Float32Array, at = 0): void {
  for (let i = from; i < to; i++) out[at + i - from] = x[i]! * int16Scale
}

/** x[from, to) as a new float array. */
export function floatsOf(x: Samples, from = 0, to = x.length): Float32Array {
  const out = new Float32Array(Math.max(0, to - from))
  copyFloats(x, from, from + out.length, out)
  return out
}

/** The same sound with float32 channels: float channels as they are, int16 ones converted. */
export function floatData<T extends SampleData>(audio: T): Omit<T, 'channels'> & AudioData {
  return { ...audio, channels: audio.channels.map((x) => (x instanceof Float32Array ? x : floatsOf(x))) }
}

/** Samples a kernel call converts, and where they sit in its memory (bytes; the kernel works in eights and may write up to 7 floats past n). */
const chunkSamples = 32 * 1024
const srcAt = 0
const dstAt = chunkSamples * 2

type Int16FloatsKernel = WasmKernel<(src: number, n: number, dst: number) => void> & { i16: Int16Array }
let withInt16View: Int16FloatsKernel | null | undefined

function kernel(): Int16FloatsKernel | null {
  if (withInt16View === undefined) {
    const k = wasmKernel<Int16FloatsKernel['run']>(int16FloatsBinary, 'int16Floats')
    withInt16View = k && { ...k, i16: new Int16Array(k.f32.buffer) }
  }
  return withInt16View
}
