import { gaussianNoise } from '../../../../main/tts/vocoder/gaussian-noise'

/** Test signals for the vocoder, at 16 kHz. */
export const fs = 16_000

/** Formants (Hz) and bandwidths of the all-pole filter, a vowel like /a/. */
export const formants = [
  [700, 90],
  [1200, 110],
  [2600, 160],
  [3500, 200],
] as const

/** The all-pole filter's denominator a[0..8] (a[0] = 1), from conjugate pole pairs at the formants. */
export function allPoleCoefficients(): Float64Array {
  let a = [1]
  for (const [f, bw] of formants) {
    const r = Math.exp((-Math.PI * bw) / fs)
    const section = [1, -2 * r * Math.cos((2 * Math.PI * f) / fs), r * r]
    const next = new Array(a.length + 2).fill(0)
    a.forEach((x, i) => section.forEach((y, j) => (next[i + j] += x * y)))
    a = next
  }
  return Float64Array.from(a)
}

/** 10 log10 |1 / A(e^jw)|^2 at frequency f. */
export function allPoleDb(a: Float64Array, f: number): number {
  const w = (2 * Math.PI * f) / fs
  let re = 0
  let im = 0
  a.forEach((c, n) => {
    re += c * Math.cos(w * n)
    im -= c * Math.sin(w * n)
  })
  return -10 * Math.log10(re * re + im * im)
}

/** A pulse train of F0 `f0` (fractional periods kept by the phase) through the all-pole filter, `seconds` long. */
export function filteredPulses(f0: number, seconds: number): Float64Array {
  const a = allPoleCoefficients()
  const n = Math.round(seconds * fs)
  const y = new Float64Array(n)
  let phase = 0.5
  for (let i = 0; i < n; i++) {
    phase += f0 / fs
    let v = 0
    if (phase >= 1) {
      phase -= 1
      v = 0.05
    }
    for (let j = 1; j < a.length; j++) if (i - j >= 0) v -= a[j]! * y[i - j]!
    y[i] = v
  }
  return y
}

export function whiteNoise(seconds: number, sigma: number, seed = 3): Float64Array {
  const g = gaussianNoise(seed)
  return Float64Array.from({ length: Math.round(seconds * fs) }, () => sigma * g())
}

/** Pearson correlation. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n
    mb += b[i]! / n
  }
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb)
    aa += (a[i]! - ma) ** 2
    bb += (b[i]! - mb) ** 2
  }
  return ab / Math.sqrt(aa * bb)
}
