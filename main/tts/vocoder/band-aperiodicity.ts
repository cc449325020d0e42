import { PerceptError } from '../../core/errors'
import { coarseBandCentres } from './aperiodicity'

/*
 * Band aperiodicity as WORLD's codec keeps it (codec.cpp, CodeAperiodicity / DecodeAperiodicity): the
 * aperiodicity in dB read at the coarse band centres (every 3 kHz below min(15 kHz, fs/2 - 3 kHz): one
 * number at 16 kHz), and back by linear interpolation in dB between -60 dB at 0 Hz, the bands and 0 dB
 * at Nyquist. A frame whose bands average above -0.5 dB is taken as unvoiced and decoded fully aperiodic.
 */

const fullyAperiodic = 1 - 1e-12
/** expandBands's top knot (aperiodicity.ts's `tiny`, in dB): just below 0 dB at Nyquist. */
const tinyDb = 1e-12

/** Per frame, the aperiodicity in dB at each coarse band centre. */
export function codeAperiodicity(aperiodicity: readonly Float64Array[], sampleRate: number): Float64Array[] {
  const centres = coarseBandCentres(sampleRate)
  return aperiodicity.map((ap) => {
    const step = sampleRate / (2 * (ap.length - 1))
    return Float64Array.from(centres, (hz) => {
      const position = hz / step
      const k = Math.min(Math.floor(position), ap.length - 2)
      const w = position - k
      const db0 = 20 * Math.log10(ap[k]!)
      const db1 = 20 * Math.log10(ap[k + 1]!)
      return db0 + w * (db1 - db0)
    })
  })
}

/** Coded band aperiodicity (dB per band per frame) back to `bins` amplitude ratios per frame. */
export function decodeAperiodicity(coded: readonly ArrayLike<number>[], sampleRate: number, bins = 1025): Float64Array[] {
  const centres = coarseBandCentres(sampleRate)
  const coarseAxis = [0, ...centres, sampleRate / 2]
  // expandBands's interpolation, its segments found once for every frame. Linear in dB along a segment is
  // geometric in amplitude: each bin is the one before times a constant ratio, so a frame costs one exp
  // per segment instead of one per bin (10^(dB / 20) = exp(dB ln 10 / 20)).
  const step = sampleRate / (2 * (bins - 1))
  const first: number[] = []
  for (let j = 0, k = 0; j < coarseAxis.length - 1; j++) {
    first.push(k)
    while (k < bins && (k * step < coarseAxis[j + 1]! || j === coarseAxis.length - 2)) k++
  }
  first.push(bins)
  const toAmplitude = Math.LN10 / 20
  const knots = new Float64Array(centres.length + 2)
  knots[0] = -60
  knots[centres.length + 1] = -tinyDb
  return coded.map((bands, t) => {
    if (bands.length !== centres.length) {
      throw new PerceptError('VALIDATION', `Frame ${t} has ${bands.length} band aperiodicities; at ${sampleRate} Hz there are ${centres.length}.`)
    }
    let sum = 0
    for (let b = 0; b < bands.length; b++) sum += knots[b + 1] = bands[b]!
    if (sum > -0.5 * bands.length) return new Float64Array(bins).fill(fullyAperiodic)
    const out = new Float64Array(bins)
    for (let j = 0; j + 1 < first.length; j++) {
      const x0 = coarseAxis[j]!
      const slope = (knots[j + 1]! - knots[j]!) / (coarseAxis[j + 1]! - x0)
      const ratio = Math.exp(toAmplitude * slope * step)
      let value = Math.exp(toAmplitude * (knots[j]! + slope * (first[j]! * step - x0)))
      for (let k = first[j]!; k < first[j + 1]!; k++, value *= ratio) out[k] = value
    }
    return out
  })
}
