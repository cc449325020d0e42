import { PerceptError } from '../../core/errors'

/*
 * Scale-invariant SDR (Le Roux, Wisdom, Erdogan and Hershey, "SDR - half-baked or well done?", ICASSP
 * 2019, eq. 5): with alpha = <s_hat, s> / ||s||^2, SI-SDR = 10 log10(||alpha s||^2 / ||alpha s - s_hat||^2).
 * No mean is removed (the paper's definition; torchmetrics' default zero_mean=False).
 */

/** VALIDATION unless both signals have the same, non-zero length. */
export function requirePair(reference: ArrayLike<number>, estimate: ArrayLike<number>, what: string): void {
  if (reference.length !== estimate.length) {
    throw new PerceptError('VALIDATION', `${what} compares signals of equal length; got ${reference.length} and ${estimate.length} samples. Trim or align them first.`)
  }
  if (reference.length === 0) throw new PerceptError('VALIDATION', `${what} needs at least one sample.`)
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!
  return sum
}

/** SI-SDR in dB of `estimate` against `reference` (+Infinity for a scaled copy, -Infinity for an orthogonal one). */
export function siSdr(reference: ArrayLike<number>, estimate: ArrayLike<number>): number {
  requirePair(reference, estimate, 'SI-SDR')
  const energy = dot(reference, reference)
  if (!(energy > 0)) throw new PerceptError('VALIDATION', 'SI-SDR needs a reference that is not silent (all zeros).')
  const alpha = dot(estimate, reference) / energy
  let target = 0
  let residual = 0
  for (let i = 0; i < reference.length; i++) {
    const t = alpha * reference[i]!
    const r = t - estimate[i]!
    target += t * t
    residual += r * r
  }
  return 10 * Math.log10(target / residual)
}
