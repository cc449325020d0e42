import { describe, expect, it } from 'vitest'
import { CONTEXT_FRAMES, contextInput, INPUT_BINS } from '../../../main/enhance/audio-input'
import { frameCount, requireFrames, symmetricHamming } from '../../../main/enhance/frames'
import { frameSpectra, powerSpectra, signalPowerSpectra, SPECTRUM_BINS } from '../../../main/enhance/spectra'

describe('framing (1244-sample frames, hop 311, from sample 0, no padding)', () => {
  it('counts whole frames: 1 + floor((n - 1244) / 311), none below one frame', () => {
    expect(frameCount(0)).toBe(0)
    expect(frameCount(1243)).toBe(0)
    expect(frameCount(1244)).toBe(1)
    expect(frameCount(1554)).toBe(1) // the second frame would end at 311 + 1244 = 1555 samples
    expect(frameCount(1555)).toBe(2)
    expect(frameCount(16000)).toBe(48) // 1 + floor(14756 / 311) = 1 + 47
    expect(frameCount(48000)).toBe(151) // a 3 s GRID utterance: 1 + floor(46756 / 311) = 1 + 150
  })

  it('says how long a clip must be when it is too short', () => {
    // 8 frames end at 1244 + 7 * 311 = 3421 samples
    expect(() => requireFrames(3420, 8, 'clip.wav')).toThrow(/clip.wav .* makes 7 whole frames .* at least 8 are needed.* at least 3421 samples/)
    expect(requireFrames(3421, 8, 'clip.wav')).toBe(8)
  })

  it('uses the symmetric Hamming window 0.54 - 0.46 cos(2 pi n / (N - 1))', () => {
    const w = symmetricHamming(1244)
    expect(w[0]).toBeCloseTo(0.08, 15)
    expect(w[1243]).toBeCloseTo(0.08, 15)
    for (let n = 0; n < 622; n++) expect(w[n]).toBeCloseTo(w[1243 - n]!, 15) // symmetric
    // the peak lies between samples 621 and 622: cos(2 pi 621.5 / 1243) = cos(pi) = -1 would give 1
    expect(w[621]).toBeCloseTo(0.54 + 0.46 * Math.cos(Math.PI / 1243), 14)
    expect(Array.from(symmetricHamming(5))).toEqual([0.08, 0.54, 1, 0.54, 0.08].map((v) => expect.closeTo(v, 15)))
  })
})

describe('power spectra (bins 1..622 of the 1244-point rfft)', () => {
  it('puts a cosine of bin 100 into column 99 with power (A/2 sum w)^2, and drops DC', () => {
    const n = 1244 + 311
    const x = Float64Array.from({ length: n }, (_, t) => 0.5 + Math.cos((2 * Math.PI * 100 * t) / 1244))
    const { frames, power } = signalPowerSpectra(x)
    expect(frames).toBe(2)
    expect(power.length).toBe(2 * SPECTRUM_BINS)
    let sum = 0
    for (const v of symmetricHamming(1244)) sum += v
    for (let t = 0; t < 2; t++) {
      // |X_100| = |sum_n w[n] (e^{i..} + e^{-i..}) / 2 e^{-i..}| = sum w / 2 for a whole number of cycles
      // per frame, whatever the frame's start (311 * 100 / 1244 = 25 cycles per hop), up to the leakage
      // of the image at -100 and of DC through the symmetric window's sidelobes (< 1e-6 here)
      expect(power[t * SPECTRUM_BINS + 99]! / (sum / 2) ** 2).toBeCloseTo(1, 6)
    }
    // the constant 0.5 sits in DC, which is dropped; bin 1 (column 0) holds only its leakage through the
    // window's main lobe, (0.46 / 2 / 0.54)^2 = 0.18 of the DC power for a Hamming window
    const spectra = frameSpectra(x)
    expect(spectra.re[0]! / (0.5 * sum)).toBeCloseTo(1, 6) // DC of frame 0: the cosine adds next to nothing
    expect(powerSpectra(spectra)[0]).toBeLessThan(0.2 * (0.5 * sum) ** 2)
  })
})

describe('the 8 x 500 audio input', () => {
  it('stacks frames t-7..t (oldest first) of spectrum bins 1..500', () => {
    const frames = 10
    const spectra = Float64Array.from({ length: frames * 622 }, (_, i) => Math.floor(i / 622) * 1000 + (i % 622))
    const input = contextInput(spectra, frames, 9)
    expect(input.length).toBe(CONTEXT_FRAMES * INPUT_BINS)
    expect(input[0]).toBe(2000) // row 0 = frame 2, bin 1 (column 0)
    expect(input[499]).toBe(2499) // bin 500
    expect(input[7 * 500]).toBe(9000) // row 7 = the current frame 9
    expect(() => contextInput(spectra, frames, 6)).toThrow(/t runs from 7 to 9/)
  })
})
