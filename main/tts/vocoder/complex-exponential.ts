/*
 * exp(a + i phi) = e^a (cos phi + i sin phi), bin by bin, from tables: the synthesis takes one per bin of
 * every pulse's minimum-phase response, and Math.exp with Math.cos and Math.sin cost about 25 ns a bin
 * where these cost about 7, to the same double-precision result (relative error about 1e-15):
 *   - cos, sin: phi = q (2 pi / T) + r with |r| <= pi / T, the table's cos and sin at q times those of r
 *     by their Taylor series to r^7 (the next term is below 1e-19 at T = 256);
 *   - exp: a = (q / T) ln 2 + r with |r| <= ln 2 / (2 T), 2^(q / T) as a power of two (a table) times a
 *     table's 2^(j / T), times e^r by its series to r^6 (T = 64);
 *   - small tables (4 KB and 0.5 KB), because real phases jump about: tables of 64 KB ran twice as slow
 *     from cache misses alone;
 *   - outside +-700 (no such amplitude) and +-1e4 rad (no such phase), Math's own.
 */

const trigSize = 256
const trigStep = (2 * Math.PI) / trigSize
// 2 pi / T and ln 2 / T in two parts (fdlibm's pio2_1, pio2_1t, ln2_hi, ln2_lo over powers of two), the first
// with trailing zero bits, so q times it is exact and r = a - q step keeps every bit (Cody and Waite).
const trigStepHigh = 1.5707963267341256 / 64
const trigStepLow = 6.077100506506192e-11 / 64
/** cos and sin of i 2 pi / T, side by side. */
const trigTable = Float64Array.from({ length: 2 * trigSize }, (_, j) => (j % 2 ? Math.sin : Math.cos)((j >> 1) * trigStep))

const expBits = 6
const expSize = 1 << expBits
const expStep = Math.LN2 / expSize
const expStepHigh = 6.93147180369123816490e-1 / expSize
const expStepLow = 1.90821492927058770002e-10 / expSize
const fractionTable = Float64Array.from({ length: expSize }, (_, j) => 2 ** (j / expSize))
/** 2^n for n from -minPower; |a| <= 700 keeps n within -1010..1010. */
const minPower = 1024
const powerTable = Float64Array.from({ length: 2 * minPower }, (_, i) => 2 ** (i - minPower))
const expLimit = 700
/** Past this q times trigStepHigh would not be exact (no minimum-phase response turns this far). */
const phaseLimit = 1e4

/** out[2k] + i out[2k + 1] = exp(real[k] + i imag[k]) for k < count. */
export function complexExponential(real: Float64Array, imag: Float64Array, out: Float64Array, count: number): void {
  for (let k = 0; k < count; k++) {
    const a = real[k]!
    let magnitude: number
    if (a > -expLimit && a < expLimit) {
      const q = Math.round(a / expStep)
      const r = a - q * expStepHigh - q * expStepLow
      magnitude = powerTable[(q >> expBits) + minPower]! * fractionTable[q & (expSize - 1)]! * (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720))))))
    } else magnitude = Math.exp(a)
    const phi = imag[k]!
    if (!(phi > -phaseLimit && phi < phaseLimit)) {
      out[2 * k] = magnitude * Math.cos(phi)
      out[2 * k + 1] = magnitude * Math.sin(phi)
      continue
    }
    const p = Math.round(phi / trigStep)
    const r = phi - p * trigStepHigh - p * trigStepLow
    const i = 2 * (p & (trigSize - 1))
    const c = trigTable[i]!
    const s = trigTable[i + 1]!
    const r2 = r * r
    const cr = 1 - r2 * (0.5 - r2 * (1 / 24 - r2 / 720))
    const sr = r * (1 - r2 * (1 / 6 - r2 * (1 / 120 - r2 / 5040)))
    out[2 * k] = magnitude * (c * cr - s * sr)
    out[2 * k + 1] = magnitude * (s * cr + c * sr)
  }
}
