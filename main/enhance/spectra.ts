import { FrameRfft, RFFT_VALUES } from './frame-rfft'
import { FRAME_LENGTH, HOP_LENGTH, frameCount, symmetricHamming } from './frames'

/*
 * Short-time spectra on the paper's frames (frames.ts): each frame times the symmetric Hamming window,
 * then the 1244-point rfft (bins 0..622, 12.86 Hz apart; frame-rfft.ts: 1244 is no power of two, hence Bluestein).
 * The model's spectra drop DC and keep bins 1..622 (622 bins, up to the 8 kHz Nyquist bin included):
 * the paper's "622-bin power spectrum".
 */

/** Bins of the rfft of one frame: 0..622. */
export const RFFT_BINS = FRAME_LENGTH / 2 + 1
/** Bins the spectra and masks keep: rfft bins 1..622. */
export const SPECTRUM_BINS = FRAME_LENGTH / 2

/** The complex rfft of every frame, row-major [frame][bin] over bins 0..622. */
export interface FrameSpectra {
  frames: number
  re: Float64Array
  im: Float64Array
}

const window = symmetricHamming(FRAME_LENGTH)

/** The windowed rfft of every whole frame of a 16 kHz signal (no padding: a tail under one hop is not analysed). */
export function frameSpectra(signal: ArrayLike<number>): FrameSpectra {
  const frames = frameCount(signal.length)
  const fft = new FrameRfft()
  const re = new Float64Array(frames * RFFT_BINS)
  const im = new Float64Array(frames * RFFT_BINS)
  const frame = new Float64Array(FRAME_LENGTH)
  const spectrum = new Float64Array(RFFT_VALUES)
  for (let t = 0; t < frames; t++) {
    const start = t * HOP_LENGTH
    for (let n = 0; n < FRAME_LENGTH; n++) frame[n] = signal[start + n]! * window[n]!
    fft.forward(frame, spectrum)
    for (let k = 0, at = t * RFFT_BINS; k < RFFT_BINS; k++, at++) {
      re[at] = spectrum[2 * k]!
      im[at] = spectrum[2 * k + 1]!
    }
  }
  return { frames, re, im }
}

/** |X|^2 of bins 1..622 (DC dropped), row-major (frames, 622): the paper's power spectrum. */
export function powerSpectra(spectra: FrameSpectra): Float64Array {
  const { frames, re, im } = spectra
  const out = new Float64Array(frames * SPECTRUM_BINS)
  for (let t = 0; t < frames; t++) {
    for (let k = 1; k < RFFT_BINS; k++) {
      const at = t * RFFT_BINS + k
      out[t * SPECTRUM_BINS + k - 1] = re[at]! * re[at]! + im[at]! * im[at]!
    }
  }
  return out
}

/** The power spectra of a 16 kHz signal: frameSpectra then powerSpectra, shape (frames, 622). */
export function signalPowerSpectra(signal: ArrayLike<number>): { frames: number; power: Float64Array } {
  const spectra = frameSpectra(signal)
  return { frames: spectra.frames, power: powerSpectra(spectra) }
}
