/**
 * Where frequencies sit on the spectrogram's mel axis, for its scale labels. The core's spectrogram
 * uses librosa's mel filterbank (Slaney's mel scale, 0 Hz to half the sample rate); this is the same
 * scale, written again here because the renderer does not load the core's DSP code.
 */
export function hzToMel(hz: number): number {
  const minLogHz = 1000
  const minLogMel = minLogHz / (200 / 3)
  const logStep = Math.log(6.4) / 27
  return hz < minLogHz ? hz / (200 / 3) : minLogMel + Math.log(hz / minLogHz) / logStep
}

export interface FrequencyTick {
  hz: number
  /** 0 at the bottom of the spectrogram, 1 at the top. */
  fraction: number
  label: string
}

const candidates = [100, 250, 500, 1000, 2000, 4000, 8000, 16000]

/** Labelled frequencies for a lane `height` pixels tall, at least `minGapPx` apart. */
export function frequencyTicks(sampleRate: number, height: number, minGapPx = 18): FrequencyTick[] {
  const top = hzToMel(sampleRate / 2)
  const ticks: FrequencyTick[] = []
  for (const hz of candidates) {
    if (hz >= sampleRate / 2) break
    const fraction = hzToMel(hz) / top
    const previous = ticks[ticks.length - 1]
    if (previous && (fraction - previous.fraction) * height < minGapPx) continue
    if ((1 - fraction) * height < minGapPx / 2) continue
    ticks.push({ hz, fraction, label: hz >= 1000 ? `${hz / 1000} kHz` : `${hz} Hz` })
  }
  return ticks
}
