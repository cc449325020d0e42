import { PerceptError } from '../core/errors'
import { FrameRfft, RFFT_VALUES } from './frame-rfft'
import { FRAME_LENGTH, HOP_LENGTH, symmetricHamming } from './frames'
import { frameSpectra, RFFT_BINS, SPECTRUM_BINS, type FrameSpectra } from './spectra'

/*
 * Enhancement by masking: the noisy signal's spectra on the paper's frames (spectra.ts) times a mask of
 * shape (frames, 622) (binary, as the IBM, or soft, as a model's sigmoid output), then weighted
 * overlap-add (Griffin and Lim 1984's least-squares inverse): each frame's inverse rfft times the same
 * symmetric Hamming window, summed at its hop, divided by the sum of the squared windows,
 *   y[n] = sum_t w[n - 311 t] ifft(M_t X_t)[n - 311 t] / sum_t w[n - 311 t]^2.
 * With a mask of ones this returns the input exactly wherever a frame covers it: the Hamming window is
 * never zero, so that is every sample up to the end of the last whole frame; the tail after it (under
 * one hop, < 20 ms) is not analysed and comes back as silence.
 * The mask has no DC bin (bins 1..622): the DC bin takes the gain of bin 1, its neighbour.
 */

/** VALIDATION unless `mask` is (frames, 622) finite gains of 0 or more. */
function checkMask(frames: number, mask: ArrayLike<number>): void {
  if (mask.length !== frames * SPECTRUM_BINS) {
    throw new PerceptError(
      'VALIDATION',
      `The mask holds ${mask.length} values but the signal has ${frames} frames of ${SPECTRUM_BINS} bins (${frames * SPECTRUM_BINS}); ` +
        'give a mask of shape (frames, 622) made for this signal.',
    )
  }
  for (let i = 0; i < mask.length; i++) {
    if (!(mask[i]! >= 0) || !Number.isFinite(mask[i]!)) {
      throw new PerceptError('VALIDATION', `Mask value ${mask[i]} at frame ${Math.floor(i / SPECTRUM_BINS)}, bin ${(i % SPECTRUM_BINS) + 1} is not a finite gain of 0 or more.`)
    }
  }
}

/** The masked spectra: bin k (1..622) of frame t scaled by mask[t * 622 + k - 1], DC by mask[t * 622]. */
export function applyMask(spectra: FrameSpectra, mask: ArrayLike<number>): FrameSpectra {
  const { frames } = spectra
  checkMask(frames, mask)
  const re = new Float64Array(spectra.re.length)
  const im = new Float64Array(spectra.im.length)
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < RFFT_BINS; k++) {
      const gain = mask[t * SPECTRUM_BINS + Math.max(0, k - 1)]!
      const at = t * RFFT_BINS + k
      re[at] = spectra.re[at]! * gain
      im[at] = spectra.im[at]! * gain
    }
  }
  return { frames, re, im }
}

const window = symmetricHamming(FRAME_LENGTH)

/** Weighted overlap-add of frame spectra back to `length` samples (see above). */
export function overlapAdd(spectra: FrameSpectra, length: number): Float64Array {
  return resynthesise(spectra, null, length)
}

/**
 * overlapAdd(applyMask(spectra, mask), length) in one pass: each frame's gains applied as its half spectrum
 * is laid out for the inverse transform, with no masked copy of every frame's spectrum.
 */
export function maskedOverlapAdd(spectra: FrameSpectra, mask: ArrayLike<number>, length: number): Float64Array {
  checkMask(spectra.frames, mask)
  return resynthesise(spectra, mask, length)
}

function resynthesise(spectra: FrameSpectra, mask: ArrayLike<number> | null, length: number): Float64Array {
  const fft = new FrameRfft()
  const { re, im } = spectra
  const y = new Float64Array(length)
  const envelope = new Float64Array(length)
  const half = new Float64Array(RFFT_VALUES)
  const frame = new Float64Array(FRAME_LENGTH)
  for (let t = 0; t < spectra.frames; t++) {
    const at = t * RFFT_BINS
    if (mask) {
      const row = t * SPECTRUM_BINS
      half[0] = re[at]! * mask[row]!
      half[1] = im[at]! * mask[row]!
      for (let k = 1; k < RFFT_BINS; k++) {
        const gain = mask[row + k - 1]!
        half[2 * k] = re[at + k]! * gain
        half[2 * k + 1] = im[at + k]! * gain
      }
    } else {
      for (let k = 0; k < RFFT_BINS; k++) {
        half[2 * k] = re[at + k]!
        half[2 * k + 1] = im[at + k]!
      }
    }
    fft.inverse(half, frame)
    const start = t * HOP_LENGTH
    const end = Math.min(FRAME_LENGTH, length - start)
    for (let n = 0; n < end; n++) {
      y[start + n]! += window[n]! * frame[n]!
      envelope[start + n]! += window[n]! * window[n]!
    }
  }
  for (let i = 0; i < length; i++) if (envelope[i]! > 0) y[i]! /= envelope[i]!
  return y
}

/** The noisy 16 kHz signal with `mask` (frames, 622) applied, resynthesised to its own length. */
export function enhanceWithMask(noisy: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  return maskedOverlapAdd(frameSpectra(noisy), mask, noisy.length)
}
