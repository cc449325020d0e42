import { readFileSync } from 'node:fs'
import { seededRandom } from '../../../../main/compute/seeded-random'

/*
 * Reference values from scripts/reference/dsp_reference.py (librosa's definitions in numpy/scipy,
 * float64), committed under test/fixtures/dsp; and the signals that script builds, rebuilt here
 * from the same formulas.
 */

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/dsp/${name}`, import.meta.url), 'utf8')) as T
}

/** max |a - b| over equal-length arrays (Infinity when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
  return worst
}

export function maxAbs(a: ArrayLike<number>): number {
  return maxAbsDiff(a, new Float64Array(a.length))
}

/** The script's test_signal: three sinusoids, float32. */
export function testSignal(n: number): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) =>
      0.6 * Math.cos(2 * Math.PI * 0.05 * i) +
      0.3 * Math.sin(2 * Math.PI * 0.13 * i + 0.4) +
      0.1 * Math.cos(2 * Math.PI * 0.31 * i),
  )
}

/** The script's chirp: 0.5 sin(2 pi (f0 t + (f1 - f0) t^2 / (2 T))), float32. */
export function chirp(sr: number, seconds: number, f0: number, f1: number): Float32Array {
  return Float32Array.from({ length: Math.floor(sr * seconds) }, (_, i) => {
    const t = i / sr
    return 0.5 * Math.sin(2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * seconds)))
  })
}

/** Uniform noise in [-1, 1), repeatable. */
export function noise(n: number, seed: number): Float32Array {
  const random = seededRandom(seed)
  return Float32Array.from({ length: n }, () => 2 * random() - 1)
}
