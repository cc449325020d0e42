import { blockStatsBinary } from './simd/block-stats.wasm'
import { wasmKernel, type WasmKernel } from './wasm-instance'

/*
 * Each block's smallest and largest sample, and the sum of squares, in one pass (simd/block-stats.wat).
 * A sound editor measures every sample of a file it opens: in JavaScript the min/max loop alone took
 * 1.1-1.3 s for an hour of 44.1 kHz stereo and the squares another 0.3-0.6 s (2-core VM, December 2026),
 * on the thread that decides how soon a long file opens. Where wasm SIMD is missing, blockStatsJs does the
 * same arithmetic in the same order, so both give the same bits; the peak pyramid and rmsLevel take their
 * figures from here (addSquares: the same lanes), so they agree with the editor's one-pass scan exactly.
 */

/** Squares of a channel in two running float64 sums: lane j takes x[i]^2 for i = j mod 2, counted from where the calls start. */
export type SquareLanes = Float64Array

export function squareLanes(): SquareLanes {
  return new Float64Array(2)
}

/** The lanes' total: lane 0 plus lane 1. */
export function squaresOf(lanes: SquareLanes): number {
  return lanes[0]! + lanes[1]!
}

/** The squares of x[from, to) into `lanes`, as blockStats adds them. */
export function addSquares(x: Float32Array, from: number, to: number, lanes: SquareLanes): void {
  let s0 = lanes[0]!
  let s1 = lanes[1]!
  let i = from
  for (; i + 1 < to; i += 2) {
    s0 += x[i]! * x[i]!
    s1 += x[i + 1]! * x[i + 1]!
  }
  if (i < to) s0 += x[i]! * x[i]!
  lanes[0] = s0
  lanes[1] = s1
}

/**
 * x[from, to) in blocks of `block` samples (block % 4 == 0; `from` a multiple of it): block k of x (from
 * / block onwards) gets its min and max in min[k], max[k] (+Infinity and -Infinity for a block with no
 * number: NaN is skipped), and the squares go into `lanes`. Sums are the same wherever a run of calls is
 * cut, as long as every call starts at an even sample.
 */
export function blockStats(x: Float32Array, from: number, to: number, block: number, min: Float32Array, max: Float32Array, lanes: SquareLanes): void {
  if (block % 4 !== 0 || from % block !== 0) throw new RangeError(`blockStats: block ${block} must be a multiple of 4 and from ${from} a multiple of it`)
  const k = kernel()
  if (!k) return blockStatsJs(x, from, to, block, min, max, lanes)
  const { f32, f64, run } = k
  for (let at = from; at < to; at += chunkSamples) {
    const end = Math.min(to, at + chunkSamples)
    f32.set(x.subarray(at, end), xAt / 4)
    f64.set(lanes, accAt / 8)
    run(xAt, end - at, block, minAt, maxAt, accAt)
    const blocks = Math.ceil((end - at) / block)
    min.set(f32.subarray(minAt / 4, minAt / 4 + blocks), at / block)
    max.set(f32.subarray(maxAt / 4, maxAt / 4 + blocks), at / block)
    lanes.set(f64.subarray(accAt / 8, accAt / 8 + 2))
  }
}

/** blockStats in JavaScript: the kernel's lanes and merge order, so the same bits. */
export function blockStatsJs(x: Float32Array, from: number, to: number, block: number, min: Float32Array, max: Float32Array, lanes: SquareLanes): void {
  let s0 = lanes[0]!
  let s1 = lanes[1]!
  for (let start = from; start < to; start += block) {
    const end = Math.min(to, start + block)
    const vecEnd = start + ((end - start) & ~3)
    let m0 = Infinity, m1 = Infinity, m2 = Infinity, m3 = Infinity
    let n0 = -Infinity, n1 = -Infinity, n2 = -Infinity, n3 = -Infinity
    let i = start
    for (; i < vecEnd; i += 4) {
      const a = x[i]!, b = x[i + 1]!, c = x[i + 2]!, d = x[i + 3]!
      if (a < m0) m0 = a
      if (b < m1) m1 = b
      if (c < m2) m2 = c
      if (d < m3) m3 = d
      if (a > n0) n0 = a
      if (b > n1) n1 = b
      if (c > n2) n2 = c
      if (d > n3) n3 = d
      s0 += a * a
      s1 += b * b
      s0 += c * c
      s1 += d * d
    }
    let lo = m0
    if (m1 < lo) lo = m1
    if (m2 < lo) lo = m2
    if (m3 < lo) lo = m3
    let hi = n0
    if (n1 > hi) hi = n1
    if (n2 > hi) hi = n2
    if (n3 > hi) hi = n3
    for (; i < end; i++) {
      const v = x[i]!
      if (v < lo) lo = v
      if (v > hi) hi = v
      if ((i - from) & 1) s1 += v * v
      else s0 += v * v
    }
    min[start / block] = lo
    max[start / block] = hi
  }
  lanes[0] = s0
  lanes[1] = s1
}

/** Samples per kernel call: the kernel's memory holds one chunk and its blocks' results. */
const chunkSamples = 64 * 1024
const xAt = 0
const minAt = chunkSamples * 4
const maxAt = minAt + chunkSamples // one result per block of at least 4 samples: chunkSamples bytes hold them
const accAt = maxAt + chunkSamples

type Kernel = WasmKernel<(x: number, n: number, block: number, mins: number, maxs: number, acc: number) => void>

/** The kernel of this thread; null where WebAssembly SIMD is missing (blockStatsJs serves). */
function kernel(): Kernel | null {
  return wasmKernel(blockStatsBinary, 'blockStats')
}

/** Which implementation this thread runs (for tests and benchmarks). */
export function blockStatsKind(): 'wasm-simd' | 'js' {
  return kernel() ? 'wasm-simd' : 'js'
}
