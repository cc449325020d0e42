/*
 * The vocoder's fixed settings, those of issue 15 and of the paper's 16 kHz system (its Table 2: FFT 2048,
 * so 1025-bin spectra), with WORLD's (Morise et al.) defaults where the paper says nothing:
 *   frame period 5 ms; F0 search range 71..800 Hz (WORLD's DIO defaults);
 *   CheapTrick's q1 = -0.15; D4C's coarse bands every 3 kHz; mel-cepstrum order 59 (60 numbers with c0)
 *   with the all-pass constant 0.42, SPTK's usual choice for 16 kHz.
 */

export const vocoderSampleRate = 16_000
export const framePeriodMs = 5
export const vocoderFftSize = 2048
/** Bins of the spectral envelope and of the aperiodicity: fftSize / 2 + 1. */
export const spectrumBins = vocoderFftSize / 2 + 1
export const f0FloorHz = 71
export const f0CeilHz = 800
export const cheapTrickQ1 = -0.15
export const melCepstrumOrder = 59
export const allPassConstant = 0.42

/** What analysis yields and synthesis takes, frame t at t * framePeriod seconds. */
export interface VocoderFeatures {
  sampleRate: number
  framePeriodMs: number
  /** Hz per frame, 0 where unvoiced. */
  f0: Float64Array
  /** Power spectral envelope, one Float64Array of fftSize / 2 + 1 bins per frame. */
  spectrum: Float64Array[]
  /** Aperiodicity (amplitude ratio 0..1) on the same bins, per frame. */
  aperiodicity: Float64Array[]
}

/** Frames for `samples` of signal: one every frame period from t = 0 to the end (WORLD's count). */
export function frameCountFor(samples: number, sampleRate: number, periodMs = framePeriodMs): number {
  return Math.floor(samples / ((sampleRate * periodMs) / 1000)) + 1
}
