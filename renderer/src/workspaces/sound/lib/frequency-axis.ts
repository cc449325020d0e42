import type { SpectrogramSettings } from '../../../../../main/api'

/**
 * Where frequencies sit on the spectrogram's vertical axis, 0 Hz at the bottom to half the sample rate
 * at the top, in equal steps of Hz (linear) or of Slaney's mel scale (librosa's filterbank, which the
 * core uses). Written again here because the renderer does not load the core's DSP code.
 */
export type FrequencyAxis = SpectrogramSettings['axis']

const melHzStep = 200 / 3
const minLogHz = 1000
const minLogMel = minLogHz / melHzStep
const logStep = Math.log(6.4) / 27

export function hzToMel(hz: number): number {
  return hz < minLogHz ? hz / melHzStep : minLogMel + Math.log(hz / minLogHz) / logStep
}

export function melToHz(mel: number): number {
  return mel < minLogMel ? mel * melHzStep : minLogHz * Math.exp(logStep * (mel - minLogMel))
}

/** 0 at the bottom of the spectrogram, 1 at the top. */
export function hzToFraction(hz: number, sampleRate: number, axis: FrequencyAxis): number {
  const nyquist = sampleRate / 2
  return axis === 'mel' ? hzToMel(hz) / hzToMel(nyquist) : hz / nyquist
}

export function fractionToHz(fraction: number, sampleRate: number, axis: FrequencyAxis): number {
  const nyquist = sampleRate / 2
  const f = Math.min(1, Math.max(0, fraction))
  return axis === 'mel' ? melToHz(f * hzToMel(nyquist)) : f * nyquist
}

/** "440 Hz", "2.35 kHz": whole Hz below 1 kHz, three significant digits above. */
export function formatHz(hz: number): string {
  return hz < 1000 ? `${Math.round(hz)} Hz` : `${Number((hz / 1000).toPrecision(3))} kHz`
}

export interface FrequencyTick {
  hz: number
  /** 0 at the bottom of the spectrogram, 1 at the top. */
  fraction: number
  label: string
}

const melCandidates = [100, 250, 500, 1000, 2000, 4000, 8000, 16000]

/** Multiples of the smallest round step that keeps labels 1.5 gaps apart on a linear axis. */
function linearCandidates(nyquist: number, height: number, minGapPx: number): number[] {
  const step = [250, 500, 1000, 2000, 5000, 10000].find((hz) => (hz / nyquist) * height >= minGapPx * 1.5) ?? nyquist
  return Array.from({ length: Math.floor(nyquist / step) }, (_, i) => (i + 1) * step)
}

/** Labelled frequencies for a lane `height` pixels tall, at least `minGapPx` apart. */
export function frequencyTicks(sampleRate: number, height: number, axis: FrequencyAxis = 'mel', minGapPx = 18): FrequencyTick[] {
  const ticks: FrequencyTick[] = []
  const candidates = axis === 'mel' ? melCandidates : linearCandidates(sampleRate / 2, height, minGapPx)
  for (const hz of candidates) {
    if (hz >= sampleRate / 2) break
    const fraction = hzToFraction(hz, sampleRate, axis)
    const previous = ticks[ticks.length - 1]
    if (previous && (fraction - previous.fraction) * height < minGapPx) continue
    if ((1 - fraction) * height < minGapPx / 2) continue
    ticks.push({ hz, fraction, label: formatHz(hz) })
  }
  return ticks
}
