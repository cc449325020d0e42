import type { SpectrogramSettings } from '../api'
import { applyMelToColumn, hzToMel, melFilterbank, melToHz, type MelFilterbank } from '../dsp/features'

/**
 * The rows of the editor's spectrogram: `rows` bands from 0 Hz to half the sample rate, equal steps
 * of Slaney's mel scale (librosa's filterbank) or of Hz. A pixel row of the lane is a band: row r
 * fills the r-th of `rows` equal slices of the axis, so a point on the lane and the probe name the
 * same band.
 */
export interface SpectrogramBands {
  rows: number
  /** power[0 .. nFft/2] of one frame into out[outAt + row * stride]. */
  apply(power: Float64Array, out: Float32Array, outAt: number, stride: number): void
  /** The band that shows `hz` (clamped to the axis). */
  rowOf(hz: number): number
  edges(row: number): { lowHz: number; centreHz: number; highHz: number }
}

const banks = new Map<string, MelFilterbank>()

function bank(sr: number, nFft: number, nMels: number): MelFilterbank {
  const key = `${sr}/${nFft}/${nMels}`
  let found = banks.get(key)
  if (!found) banks.set(key, (found = melFilterbank({ sr, nFft, nMels })))
  return found
}

export function spectrogramBands(sampleRate: number, settings: Pick<SpectrogramSettings, 'fftSize' | 'axis'>, rows: number): SpectrogramBands {
  const nyquist = sampleRate / 2
  const nFft = settings.fftSize
  const clampRow = (row: number) => Math.min(rows - 1, Math.max(0, Math.floor(row)))
  if (settings.axis === 'mel') {
    const mel = bank(sampleRate, nFft, rows)
    const top = hzToMel(nyquist)
    // Filter m rises from mel point m to a peak at m + 1 and falls to m + 2 (rows + 2 points).
    const point = (i: number) => melToHz((i / (rows + 1)) * top)
    return {
      rows,
      apply: (power, out, outAt, stride) => applyMelToColumn(mel, power, out, outAt, stride),
      rowOf: (hz) => clampRow((hzToMel(Math.min(nyquist, hz)) / top) * rows),
      edges: (row) => ({ lowHz: point(row), centreHz: point(row + 1), highHz: point(row + 2) }),
    }
  }
  const binHz = sampleRate / nFft
  const bins = nFft / 2 + 1
  // Each row takes the loudest bin whose centre falls in it, or the nearest bin where rows outnumber bins.
  const first = new Int32Array(rows)
  const last = new Int32Array(rows)
  for (let row = 0; row < rows; row++) {
    const low = Math.ceil(((row / rows) * nyquist) / binHz)
    const high = Math.ceil((((row + 1) / rows) * nyquist) / binHz) - 1
    const nearest = Math.min(bins - 1, Math.round((((row + 0.5) / rows) * nyquist) / binHz))
    first[row] = high >= low ? low : nearest
    last[row] = high >= low ? Math.min(bins - 1, row === rows - 1 ? bins - 1 : high) : nearest
  }
  return {
    rows,
    apply: (power, out, outAt, stride) => {
      for (let row = 0; row < rows; row++) {
        let peak = 0
        for (let k = first[row]!; k <= last[row]!; k++) if (power[k]! > peak) peak = power[k]!
        out[outAt + row * stride] = peak
      }
    },
    rowOf: (hz) => clampRow((Math.min(nyquist, hz) / nyquist) * rows),
    edges: (row) => ({ lowHz: (row / rows) * nyquist, centreHz: ((row + 0.5) / rows) * nyquist, highHz: ((row + 1) / rows) * nyquist }),
  }
}
