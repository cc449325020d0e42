import type { SpectrogramSettings } from '../api'
import { sampleScale, type SampleData } from '../dsp/samples'
import { fftWindow, realFft } from '../dsp/features'
import { spectrogramBands, type SpectrogramBands } from './spectrogram-bands'

export interface SpectrogramImage {
  /** rows x columns bytes, row 0 the lowest band; 0 = minDb, 255 = maxDb. */
  bytes: Uint8Array
  minDb: number
  maxDb: number
}

/** power_to_db with ref 1 and amin 1e-10 (librosa's defaults), without top_db: the value a cell has. */
function toDb(power: number): number {
  return 10 * Math.log10(Math.max(1e-10, power))
}

/**
 * One frame's band powers: the mono mixdown's `fftSize` samples centred on `centre`, windowed,
 * through the FFT and the bands. Frames reaching past the ends see zeros.
 */
class FrameAnalyser {
  private readonly plan
  private readonly window: Float64Array
  private readonly frame: Float64Array
  private readonly power: Float64Array
  /** Each channel's sampleScale (samples.ts). */
  private readonly scales: number[]

  constructor(
    private readonly audio: SampleData,
    private readonly settings: SpectrogramSettings,
    readonly bands: SpectrogramBands,
  ) {
    const n = settings.fftSize
    this.plan = realFft(n)
    this.window = fftWindow(settings.window, n, n)
    this.frame = new Float64Array(n)
    this.power = new Float64Array(n / 2 + 1)
    this.scales = audio.channels.map(sampleScale)
  }

  analyse(centre: number, out: Float32Array, outAt: number, stride: number): void {
    const { channels } = this.audio
    const n = this.settings.fftSize
    const length = channels[0]?.length ?? 0
    const scale = 1 / channels.length
    const first = centre - n / 2
    for (let i = 0; i < n; i++) {
      const at = first + i
      let sum = 0
      if (at >= 0 && at < length) for (let c = 0; c < channels.length; c++) sum += channels[c]![at]! * this.scales[c]!
      this.frame[i] = sum * scale * this.window[i]!
    }
    const spectrum = this.plan.forward(this.frame)
    for (let k = 0; k <= n / 2; k++) this.power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
    this.bands.apply(this.power, out, outAt, stride)
  }
}

/**
 * What the editor's spectrogram shows for frames [from, to): one frame per pixel column, centred on
 * the column's time (so any zoom costs `columns` FFTs, from a whole hour down to single samples), in
 * `rows` mel or linear bands, as power_to_db (ref 1). The bytes map `loudestDb - rangeDb ..
 * loudestDb` (the whole sound's loudest cell, so colours stay put while scrolling), or without it
 * the view's own loudest cell.
 */
export function renderSpectrogram(
  audio: SampleData,
  from: number,
  to: number,
  columns: number,
  rows: number,
  settings: SpectrogramSettings,
  loudestDb?: number,
): SpectrogramImage {
  const analyser = new FrameAnalyser(audio, settings, spectrogramBands(audio.sampleRate, settings, rows))
  const cells = new Float32Array(rows * columns)
  const perColumn = (to - from) / columns
  for (let c = 0; c < columns; c++) analyser.analyse(Math.round(from + (c + 0.5) * perColumn), cells, c, columns)
  let maxDb = -Infinity
  for (let i = 0; i < cells.length; i++) {
    cells[i] = toDb(cells[i]!)
    if (cells[i]! > maxDb) maxDb = cells[i]!
  }
  if (loudestDb !== undefined) maxDb = Math.max(loudestDb, maxDb)
  const minDb = maxDb - settings.rangeDb
  const bytes = new Uint8Array(cells.length)
  for (let i = 0; i < cells.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, (cells[i]! - minDb) / settings.rangeDb)) * 255)
  return { bytes, minDb, maxDb }
}

export interface SpectrogramCell {
  time: number
  row: number
  lowHz: number
  centreHz: number
  highHz: number
  db: number
}

/** The cell of a tile with these settings and rows that shows `hz` at the frame centred on `time` seconds. */
export function probeSpectrogram(audio: SampleData, time: number, hz: number, rows: number, settings: SpectrogramSettings): SpectrogramCell {
  const analyser = new FrameAnalyser(audio, settings, spectrogramBands(audio.sampleRate, settings, rows))
  const length = audio.channels[0]?.length ?? 0
  const centre = Math.min(Math.max(0, length - 1), Math.max(0, Math.round(time * audio.sampleRate)))
  const column = new Float32Array(rows)
  analyser.analyse(centre, column, 0, 1)
  const row = analyser.bands.rowOf(hz)
  return { time: centre / audio.sampleRate, row, ...analyser.bands.edges(row), db: toDb(column[row]!) }
}
