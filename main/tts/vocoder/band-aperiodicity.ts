import { PerceptError } from '../../core/errors'
import { coarseBandCentres, expandBands } from './aperiodicity'

/*
 * Band aperiodicity as WORLD's codec keeps it (codec.cpp, CodeAperiodicity / DecodeAperiodicity): the
 * aperiodicity in dB read at the coarse band centres (every 3 kHz below min(15 kHz, fs/2 - 3 kHz): one
 * number at 16 kHz), and back by linear interpolation in dB between -60 dB at 0 Hz, the bands and 0 dB
 * at Nyquist. A frame whose bands average above -0.5 dB is taken as unvoiced and decoded fully aperiodic.
 */

const fullyAperiodic = 1 - 1e-12

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
  const axis = Float64Array.from({ length: bins }, (_, k) => (k * sampleRate) / (2 * (bins - 1)))
  const coarseAxis = Float64Array.from([0, ...centres, sampleRate / 2])
  return coded.map((bands, t) => {
    if (bands.length !== centres.length) {
      throw new PerceptError('VALIDATION', `Frame ${t} has ${bands.length} band aperiodicities; at ${sampleRate} Hz there are ${centres.length}.`)
    }
    let sum = 0
    for (let b = 0; b < bands.length; b++) sum += bands[b]!
    if (sum > -0.5 * bands.length) return new Float64Array(bins).fill(fullyAperiodic)
    return expandBands(bands, coarseAxis, axis)
  })
}
