import { PerceptError } from '../core/errors'

/*
 * The framing of the paper (Sec. III-A-1), fixed so anyone can check it: 16 kHz mono, frames of 1244
 * samples with a 311-sample hop (the paper's "25% increment rate"), the first frame starting at sample 0,
 * as many whole frames as fit and no padding, so frame t holds samples [311 t, 311 t + 1244). At 16 kHz a
 * GRID utterance of 3 s gives 1 + floor((48000 - 1244) / 311) = 151 frames (51.4 frames a second). The
 * paper's "approximately 75" frames would follow from a 622-sample hop (76 frames); the issue fixes 311,
 * and we keep it: the frame rate is then about twice the 25 fps video's, which the lip stream must match.
 */

export const ENHANCE_SAMPLE_RATE = 16_000
export const FRAME_LENGTH = 1244
export const HOP_LENGTH = 311

/** Whole frames of FRAME_LENGTH samples, hop HOP_LENGTH, from sample 0: 1 + floor((n - 1244) / 311), 0 when n < 1244. */
export function frameCount(samples: number, frameLength = FRAME_LENGTH, hop = HOP_LENGTH): number {
  return samples < frameLength ? 0 : 1 + Math.floor((samples - frameLength) / hop)
}

/**
 * The symmetric Hamming window, w[n] = 0.54 - 0.46 cos(2 pi n / (N - 1)) (numpy.hamming, MATLAB
 * hamming(N)): w[0] = w[N-1] = 0.08, never zero, so weighted overlap-add reconstructs every covered sample.
 */
export function symmetricHamming(length: number): Float64Array {
  if (!Number.isInteger(length) || length < 1) throw new PerceptError('VALIDATION', `A window needs a whole length of 1 or more, got ${length}.`)
  if (length === 1) return Float64Array.of(1)
  return Float64Array.from({ length }, (_, n) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (length - 1)))
}

/** Throws a VALIDATION error naming the clip when it holds fewer than `needed` whole frames. */
export function requireFrames(samples: number, needed: number, what: string): number {
  const frames = frameCount(samples)
  if (frames < needed) {
    const minimum = FRAME_LENGTH + (needed - 1) * HOP_LENGTH
    throw new PerceptError(
      'VALIDATION',
      `${what} is ${(samples / ENHANCE_SAMPLE_RATE).toFixed(3)} s (${samples} samples at 16 kHz), which makes ${frames} whole ` +
        `frame${frames === 1 ? '' : 's'} of 1244 samples; at least ${needed} ${needed === 1 ? 'is' : 'are'} needed, ` +
        `so give a clip of at least ${minimum} samples (${(minimum / ENHANCE_SAMPLE_RATE).toFixed(3)} s).`,
    )
  }
  return frames
}
