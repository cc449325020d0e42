import { describe, expect, it } from 'vitest'
import { realFft } from '../../../../main/dsp/features/fft'
import { freqt, melCepstrumToSpectrum, spectrumToMelCepstrum } from '../../../../main/tts/vocoder/mel-cepstrum'
import { logSpectralDistance } from '../../../../main/tts/vocoder/measures'
import { cheapTrick } from '../../../../main/tts/vocoder/spectral-envelope'
import { filteredPulses, fs } from './signals'

const alpha = 0.42

/** A smooth mel-cepstrum (decaying coefficients), 60 numbers. */
const knownMc = Float64Array.from({ length: 60 }, (_, m) => (m === 0 ? -3 : (0.8 * Math.cos(m * 1.3)) / (m + 1)))

describe('mel-cepstrum', () => {
  it('mc -> sp gives log|H| = sum mc_m cos(m b(w)), b the all-pass warped frequency', () => {
    // The closed form, evaluated directly: b(w) = w + 2 atan(a sin w / (1 - a cos w)); log P = 2 log|H|.
    // (numpy: b = w + 2*np.arctan(a*np.sin(w)/(1-a*np.cos(w))); P = np.exp(2*np.cos(np.outer(b, m)) @ mc))
    const sp = melCepstrumToSpectrum(knownMc, 1025, alpha)
    expect(sp).toHaveLength(1025)
    let worst = 0
    for (let k = 0; k < 1025; k++) {
      const w = (Math.PI * k) / 1024
      const b = w + 2 * Math.atan((alpha * Math.sin(w)) / (1 - alpha * Math.cos(w)))
      let log = 0
      knownMc.forEach((c, m) => (log += c * Math.cos(m * b)))
      worst = Math.max(worst, Math.abs(Math.log(sp[k]!) - 2 * log))
    }
    expect(worst).toBeLessThan(1e-6)
  })

  it('sp -> mc inverts mc -> sp, and freqt with alpha 0 only truncates', () => {
    const back = spectrumToMelCepstrum(melCepstrumToSpectrum(knownMc, 1025, alpha), 59, alpha)
    back.forEach((c, m) => expect(Math.abs(c - knownMc[m]!)).toBeLessThan(1e-6))
    expect(Array.from(freqt([1, 2, 3, 4], 2, 0))).toEqual([1, 2, 3])
  })

  it('a CheapTrick envelope survives sp -> 60 mel-cepstra -> sp within 0.5 dB of log-spectral distance (about 0.12 dB)', () => {
    const x = filteredPulses(150, 0.5)
    const envelopes = cheapTrick(x, fs, Float64Array.of(0.2, 0.3), Float64Array.of(150, 150))
    const round = envelopes.map((sp) => melCepstrumToSpectrum(spectrumToMelCepstrum(sp), 1025))
    const lsd = logSpectralDistance(envelopes, round)
    expect(lsd).toBeGreaterThan(0) // 60 numbers cannot hold 1025 bins exactly
    expect(lsd).toBeLessThan(0.5)
  })

  it("the closed form agrees with SPTK's route (freqt to the FFT's order, then an FFT) below 1e-9 in log amplitude", () => {
    const n = 2048
    const causal = freqt(knownMc, n / 2, -alpha)
    const even = new Float64Array(n)
    even[0] = causal[0]!
    for (let m = 1; m < n / 2; m++) even[m] = even[n - m] = causal[m]! / 2
    even[n / 2] = causal[n / 2]!
    const log = realFft(n).forward(even)
    const sp = melCepstrumToSpectrum(knownMc, n / 2 + 1, alpha)
    let worst = 0
    for (let k = 0; k <= n / 2; k++) worst = Math.max(worst, Math.abs(0.5 * Math.log(sp[k]!) - log[2 * k]!))
    expect(worst).toBeLessThan(1e-9)
  })

  it('refuses a spectrum whose bins are not 2^k + 1', () => {
    expect(() => spectrumToMelCepstrum(new Float64Array(1000).fill(1))).toThrow(/2\^k \+ 1 bins/)
  })
})
