import { describe, expect, it } from 'vitest'
import { formatHz, fractionToHz, frequencyTicks, hzToFraction, hzToMel, melToHz } from '../../../renderer/src/workspaces/sound/lib/frequency-axis'
import { amplitudeTicks, colorBarTicks } from '../../../renderer/src/workspaces/sound/lib/level-scale'
import { spectrogramUrl } from '../../../renderer/src/workspaces/sound/lib/resources'
import { xToTime } from '../../../renderer/src/workspaces/sound/lib/viewport'

describe('the spectrogram readout’s position to time and frequency', () => {
  it('reads Hz linearly on the linear axis: the middle of a 44.1 kHz lane is 11.025 kHz', () => {
    expect(fractionToHz(0.5, 44100, 'linear')).toBe(11025)
    expect(fractionToHz(0, 44100, 'linear')).toBe(0)
    expect(fractionToHz(1.2, 44100, 'linear')).toBe(22050)
    expect(hzToFraction(5512.5, 44100, 'linear')).toBe(0.25)
  })

  it('reads Slaney mels on the mel axis: 1 kHz is 15 mel, and a point maps back to where it came from', () => {
    expect(melToHz(15)).toBeCloseTo(1000, 9)
    expect(melToHz(hzToMel(6400))).toBeCloseTo(6400, 9)
    // At 16 kHz the top is hzToMel(8000) = 15 + ln 8 / (ln 6.4 / 27) ≈ 45.25 mel, so 1 kHz sits at ≈ 33 % of the height.
    const fraction = hzToFraction(1000, 16000, 'mel')
    expect(hzToMel(8000)).toBeCloseTo(45.25, 2)
    expect(fraction).toBeCloseTo(15 / 45.25, 3)
    for (const hz of [50, 440, 3000, 7900]) expect(fractionToHz(hzToFraction(hz, 16000, 'mel'), 16000, 'mel')).toBeCloseTo(hz, 6)
    // The same pixel means a lower frequency on the mel axis than on the linear one.
    expect(fractionToHz(0.5, 16000, 'mel')).toBeLessThan(fractionToHz(0.5, 16000, 'linear'))
  })

  it('turns the pointer’s x into the time the waveform shows there', () => {
    expect(xToTime({ start: 2, pxPerSec: 100 }, 150)).toBeCloseTo(3.5, 12)
  })

  it('writes frequencies as Hz below 1 kHz and kHz above', () => {
    expect(formatHz(439.6)).toBe('440 Hz')
    expect(formatHz(2345)).toBe('2.35 kHz')
    expect(formatHz(11025)).toBe('11 kHz')
  })

  it('labels the linear axis at evenly spaced round frequencies', () => {
    const ticks = frequencyTicks(16000, 150, 'linear')
    expect(ticks.map((tick) => tick.hz)).toEqual([2000, 4000, 6000])
    expect(ticks[0]!.fraction).toBe(0.25)
    expect(frequencyTicks(44100, 150, 'linear').map((tick) => tick.label)).toEqual(['5 kHz', '10 kHz', '15 kHz', '20 kHz'])
  })

  it('asks the core for the tiles of the chosen settings', () => {
    expect(spectrogramUrl('s1', 0, 1, 800, 160, { fftSize: 4096, window: 'hamming', axis: 'linear', rangeDb: 100 })).toBe(
      'res/audio/s1/spectrogram?start=0&end=1&columns=800&mels=160&fft=4096&window=hamming&axis=linear&range=100',
    )
  })
})

describe('the level scales', () => {
  it('labels the colour bar at both ends and every 10 dB between, leaving out marks that crowd an end', () => {
    const ticks = colorBarTicks(-31.2, 48.8, 142)
    // 40 dB would sit 15.6 px under the top label: left out.
    expect(ticks.map((tick) => tick.label)).toEqual(['49 dB', '30', '20', '10', '0', '-10', '-20', '-31'])
    // On a 100 px bar 10 dB is 12.5 px: the marks go every 20 dB.
    expect(colorBarTicks(-31.2, 48.8, 100).map((tick) => tick.label)).toEqual(['49 dB', '20', '0', '-31'])
    const zero = ticks.find((tick) => tick.label === '0')!
    expect(zero.fraction).toBeCloseTo(31.2 / 80, 12)
    expect(colorBarTicks(0, 0, 100)).toEqual([])
  })

  it('puts dBFS marks where the waveform draws those amplitudes: -6 dBFS halfway to the edge', () => {
    const ticks = amplitudeTicks(60)
    expect(ticks.map((tick) => tick.label)).toEqual(['0', '-6', '-12', '-∞'])
    expect(ticks[1]!.fraction).toBeCloseTo(0.501, 3)
    expect(ticks[2]!.fraction).toBeCloseTo(0.251, 3)
    expect(ticks.at(-1)!.fraction).toBe(0)
    // A taller lane has room for -18 and -24 as well.
    expect(amplitudeTicks(200).map((tick) => tick.label)).toEqual(['0', '-6', '-12', '-18', '-24', '-∞'])
  })
})
