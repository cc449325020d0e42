import { seededRandom } from '../../../main/compute/seeded-random'

/*
 * Test signals rebuilt identically in the numpy scripts that worked out the expected values
 * (Mulberry32 ported to Python with 32-bit masks), so both sides see the same samples.
 */

/** Uniform white noise in [-1, 1): 2 r - 1, r from Mulberry32(seed). */
export function uniformNoise(n: number, seed: number): Float64Array {
  const random = seededRandom(seed)
  return Float64Array.from({ length: n }, () => 2 * random() - 1)
}

/**
 * A voiced, speech-like signal: ten harmonics (amplitude 1/h) of a pitch gliding 100-140 Hz at 1.5 Hz,
 * under a 4 Hz syllable envelope 0.5 (1 - cos(2 pi 4 t)), silent from 0.6 to 0.8 s.
 * numpy: phase = 2 pi cumsum(120 + 20 sin(2 pi 1.5 t)) / fs; x = sum_h sin(h phase) / h * env.
 */
export function speechLike(n: number, fs: number, harmonics = 10, tilt = 1): Float64Array {
  const x = new Float64Array(n)
  let cumsum = 0
  for (let i = 0; i < n; i++) {
    const t = i / fs
    cumsum += 120 + 20 * Math.sin(2 * Math.PI * 1.5 * t)
    const phase = (2 * Math.PI * cumsum) / fs
    let sum = 0
    for (let h = 1; h <= harmonics; h++) sum += Math.sin(h * phase) / h ** tilt
    x[i] = t >= 0.6 && t < 0.8 ? 0 : sum * 0.5 * (1 - Math.cos(2 * Math.PI * 4 * t))
  }
  return x
}

/** clean + g noise with g setting the whole-signal SNR (the numpy scripts' mix). */
export function addAtSnr(clean: Float64Array, noise: Float64Array, snrDb: number): Float64Array {
  let ec = 0
  let en = 0
  for (let i = 0; i < clean.length; i++) {
    ec += clean[i]! ** 2
    en += noise[i]! ** 2
  }
  const g = Math.sqrt(ec / (en * 10 ** (snrDb / 10)))
  return clean.map((c, i) => c + g * noise[i]!)
}
