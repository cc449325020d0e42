import { realFft } from '../../dsp/features/fft'

/*
 * StoneMask (Morise, Kawahara, Nishiura, "Rapid F0 estimation for high-SNR speech based on fundamental
 * component extraction", IEICE Trans. J93-D, 2010; WORLD's stonemask.cpp): the instantaneous frequency of
 * the harmonics under a Blackman window 3 periods long, from the window and its time derivative:
 *   IF(k) = k fs / N + Im(conj(X_w(k)) X_dw(k)) / |X_w(k)|^2 * fs / (2 pi),  dw = -dw/dt (per sample),
 * averaged over harmonics weighted by amplitude: F0 = sum_h |X(h)| IF(h) / sum_h |X(h)| h. Once with two
 * harmonics from the coarse F0, once with six from that; a change of over 20 % keeps the coarse value.
 */

const lowestF0 = 40

/** Refined F0 per frame; 0 stays 0. */
export function stoneMask(x: Float64Array, sampleRate: number, times: Float64Array, f0: Float64Array): Float64Array {
  const out = new Float64Array(f0.length)
  for (let t = 0; t < f0.length; t++) out[t] = refine(x, sampleRate, times[t]!, f0[t]!)
  return out
}

function refine(x: Float64Array, sampleRate: number, position: number, initial: number): number {
  if (initial <= lowestF0 || initial > sampleRate / 12) return 0
  const half = Math.floor((1.5 * sampleRate) / initial + 1)
  const length = 2 * half + 1
  const fftSize = 2 ** (2 + Math.floor(Math.log2(length)))
  const span = length / sampleRate
  const centre = Math.round(position * sampleRate)
  const main = new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const offset = (centre + i - half) / sampleRate - position
    main[i] = 0.42 + 0.5 * Math.cos((2 * Math.PI * offset) / span) + 0.08 * Math.cos((4 * Math.PI * offset) / span)
  }
  const fft = realFft(fftSize)
  const segment = new Float64Array(fftSize)
  const last = x.length - 1
  for (let i = 0; i < length; i++) segment[i] = x[Math.min(last, Math.max(0, centre + i - half))]! * main[i]!
  const plain = fft.forward(segment).slice(0, fftSize + 2)
  for (let i = 0; i < length; i++) {
    const derivative = i === 0 ? -main[1]! / 2 : i === length - 1 ? main[length - 2]! / 2 : -(main[i + 1]! - main[i - 1]!) / 2
    segment[i] = x[Math.min(last, Math.max(0, centre + i - half))]! * derivative
  }
  const diff = fft.forward(segment)
  const power = new Float64Array(fftSize / 2 + 1)
  const numerator = new Float64Array(fftSize / 2 + 1)
  for (let k = 0; k <= fftSize / 2; k++) {
    const re = plain[2 * k]!
    const im = plain[2 * k + 1]!
    power[k] = re * re + im * im
    numerator[k] = re * diff[2 * k + 1]! - im * diff[2 * k]!
  }
  const tentative = harmonicMean(power, numerator, fftSize, sampleRate, initial, 2)
  if (tentative <= 0 || tentative > initial * 2) return 0
  const refined = harmonicMean(power, numerator, fftSize, sampleRate, tentative, 6)
  return Math.abs(refined - initial) > initial * 0.2 ? initial : refined
}

function harmonicMean(power: Float64Array, numerator: Float64Array, fftSize: number, sampleRate: number, f0: number, harmonics: number): number {
  let num = 0
  let den = 0
  for (let h = 1; h <= harmonics; h++) {
    const k = Math.min(Math.round((f0 * fftSize * h) / sampleRate), fftSize / 2)
    const frequency = power[k] === 0 ? 0 : (k * sampleRate) / fftSize + ((numerator[k]! / power[k]!) * sampleRate) / (2 * Math.PI)
    const amplitude = Math.sqrt(power[k]!)
    num += amplitude * frequency
    den += amplitude * h
  }
  return num / (den + 1e-12)
}
