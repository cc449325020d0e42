import type { RealFft } from '../../dsp/features/fft'

/*
 * The minimum-phase spectrum with a given log amplitude (Oppenheim & Schafer: the complex cepstrum of a
 * minimum-phase sequence is causal): the real cepstrum c = irfft(log|H|), folded onto n >= 0
 * (c[0], 2 c[1..N/2-1], c[N/2], zeros), and H = exp(rfft(folded)). Written into `out` as interleaved
 * re/im of bins 0..N/2. The log amplitude is real and even, so its inverse transform is its forward one
 * over N: two forward real FFTs, no inverse.
 */
export function minimumPhaseSpectrum(logAmplitude: Float64Array, fft: RealFft, out: Float64Array, work = new Float64Array(fft.size)): Float64Array {
  const n = fft.size
  const half = n / 2
  work[0] = logAmplitude[0]!
  for (let k = 1; k <= half; k++) work[k] = work[n - k] = logAmplitude[k]!
  const transformed = fft.forward(work)
  // folded real cepstrum: c[0], 2 c[1..N/2-1], c[N/2], then zeros (c = transformed / N, real)
  const scale = 1 / n
  work[0] = transformed[0]! * scale
  for (let i = 1; i < half; i++) work[i] = 2 * transformed[2 * i]! * scale
  work[half] = transformed[2 * half]! * scale
  work.fill(0, half + 1)
  const complexLog = fft.forward(work)
  for (let k = 0; k <= half; k++) {
    const magnitude = Math.exp(complexLog[2 * k]!)
    const phase = complexLog[2 * k + 1]!
    out[2 * k] = magnitude * Math.cos(phase)
    out[2 * k + 1] = magnitude * Math.sin(phase)
  }
  return out
}
