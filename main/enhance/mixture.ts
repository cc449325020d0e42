import { seededRandom } from '../compute/seeded-random'
import { PerceptError } from '../core/errors'

/*
 * Noisy mixtures at a chosen SNR (paper Sec. III-A: GRID utterances plus CHiME-3 noise at -12, -6, 0
 * and 6 dB). The noise is fitted to the clean length first, cut or repeated (circularly, from an offset),
 * then scaled by one gain for the whole file so that sum(clean^2) / sum(noise^2) = 10^(SNR / 10) exactly
 * over the clean length: the SNR is a whole-file energy ratio, not a per-frame one.
 */

export const PAPER_SNRS_DB = [-12, -6, 0, 6] as const

function energy(x: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!
  return sum
}

/** `length` samples of the noise from `offset` on, wrapping round to its start when it is shorter (cut or repeated). */
export function fitNoise(noise: ArrayLike<number>, length: number, offset = 0): Float64Array {
  if (noise.length === 0) throw new PerceptError('VALIDATION', 'The noise holds no samples; choose a noise recording with sound in it.')
  if (!Number.isInteger(offset) || offset < 0 || offset >= noise.length) {
    throw new PerceptError('VALIDATION', `The noise offset must be a whole number from 0 to ${noise.length - 1}, got ${offset}.`)
  }
  const out = new Float64Array(length)
  for (let i = 0, at = offset; i < length; i++, at = at + 1 === noise.length ? 0 : at + 1) out[i] = noise[at]!
  return out
}

/** The gain g that makes sum(clean^2) / sum((g noise)^2) = 10^(snrDb / 10); VALIDATION when either is silent. */
export function snrGain(clean: ArrayLike<number>, noise: ArrayLike<number>, snrDb: number): number {
  if (!Number.isFinite(snrDb)) throw new PerceptError('VALIDATION', `The SNR must be a finite number of dB, got ${snrDb}.`)
  const cleanEnergy = energy(clean)
  const noiseEnergy = energy(noise)
  if (!(cleanEnergy > 0)) throw new PerceptError('VALIDATION', 'The clean speech is silent (all zeros), so no SNR can be set; choose a recording with speech in it.')
  if (!(noiseEnergy > 0)) {
    throw new PerceptError('VALIDATION', 'The noise is silent over the length of the clean speech (all zeros), so no gain reaches the SNR asked; choose another noise.')
  }
  return Math.sqrt(cleanEnergy / (noiseEnergy * 10 ** (snrDb / 10)))
}

export interface Mixture {
  /** clean + noise, the length of the clean speech. */
  noisy: Float64Array
  /** The noise as mixed in: fitted and scaled. */
  noise: Float64Array
  gain: number
  offset: number
}

/** clean + g * fitNoise(noise, clean.length, offset), g from snrGain. */
export function mixAtSnr(clean: ArrayLike<number>, noise: ArrayLike<number>, snrDb: number, offset = 0): Mixture {
  const fitted = fitNoise(noise, clean.length, offset)
  const gain = snrGain(clean, fitted, snrDb)
  const noisy = new Float64Array(clean.length)
  for (let i = 0; i < clean.length; i++) {
    fitted[i]! *= gain
    noisy[i] = clean[i]! + fitted[i]!
  }
  return { noisy, noise: fitted, gain, offset }
}

/** One mixture of a plan: which utterance, which noise, the SNR and where in the noise to start (a fraction of its length). */
export interface MixtureSpec {
  utterance: number
  noise: number
  snrDb: number
  offsetFraction: number
}

/**
 * Every utterance at every SNR, each with a noise and a start in it drawn from `seed`: the same seed,
 * counts and SNRs give the same plan on any machine (Mulberry32).
 */
export function planMixtures(utterances: number, noises: number, snrsDb: readonly number[], seed: number): MixtureSpec[] {
  if (!Number.isInteger(utterances) || utterances < 1) throw new PerceptError('VALIDATION', `A mixture plan needs at least one utterance, got ${utterances}.`)
  if (!Number.isInteger(noises) || noises < 1) throw new PerceptError('VALIDATION', `A mixture plan needs at least one noise, got ${noises}.`)
  if (snrsDb.length === 0 || snrsDb.some((s) => !Number.isFinite(s))) throw new PerceptError('VALIDATION', 'Give at least one SNR, each a finite number of dB.')
  const random = seededRandom(seed)
  const plan: MixtureSpec[] = []
  for (let utterance = 0; utterance < utterances; utterance++) {
    for (const snrDb of snrsDb) plan.push({ utterance, noise: Math.floor(random() * noises), snrDb, offsetFraction: random() })
  }
  return plan
}

/** The sample offset of a spec's start in a noise of `length` samples. */
export function specOffset(spec: MixtureSpec, length: number): number {
  return Math.min(length - 1, Math.floor(spec.offsetFraction * length))
}
