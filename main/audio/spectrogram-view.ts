import type { AudioData } from '../dsp/audio-data'
import { applyMelToColumn, fftWindow, melFilterbank, powerToDbInPlace, realFft, type MelFilterbank } from '../dsp/features'

export interface SpectrogramImage {
  /** nMels x columns bytes, row 0 the lowest band; 0 = minDb, 255 = maxDb. */
  bytes: Uint8Array
  minDb: number
  maxDb: number
}

const banks = new Map<string, MelFilterbank>()

function bank(sr: number, nFft: number, nMels: number): MelFilterbank {
  const key = `${sr}/${nFft}/${nMels}`
  let found = banks.get(key)
  if (!found) banks.set(key, (found = melFilterbank({ sr, nFft, nMels })))
  return found
}

/**
 * What the editor's spectrogram shows for frames [from, to): one Hann-windowed frame of the mono
 * mixdown per pixel column, centred on the column's time (so any zoom costs `columns` FFTs, from
 * a whole hour down to single samples), through librosa's mel filterbank (Slaney) and power_to_db
 * (ref 1, top_db 80). nFft ~46 ms: 1024 up to 24 kHz, else 2048. The bytes map `loudestDb - 80 ..
 * loudestDb` (the whole sound's loudest cell, so colours stay put while scrolling), or without it
 * the view's own range.
 */
export function renderSpectrogram(audio: AudioData, from: number, to: number, columns: number, nMels: number, loudestDb?: number): SpectrogramImage {
  const { sampleRate, channels } = audio
  const nFft = sampleRate > 24_000 ? 2048 : 1024
  const plan = realFft(nFft)
  const window = fftWindow('hann', nFft, nFft)
  const mel = bank(sampleRate, nFft, nMels)
  const frame = new Float64Array(nFft)
  const power = new Float64Array(nFft / 2 + 1)
  const cells = new Float32Array(nMels * columns)
  const length = channels[0]?.length ?? 0
  const scale = 1 / channels.length
  const perColumn = (to - from) / columns
  for (let c = 0; c < columns; c++) {
    const first = Math.round(from + (c + 0.5) * perColumn) - nFft / 2
    for (let i = 0; i < nFft; i++) {
      const at = first + i
      let sum = 0
      if (at >= 0 && at < length) for (const channel of channels) sum += channel[at]!
      frame[i] = sum * scale * window[i]!
    }
    const spectrum = plan.forward(frame)
    for (let k = 0; k <= nFft / 2; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
    applyMelToColumn(mel, power, cells, c, columns)
  }
  powerToDbInPlace(cells)
  let maxDb = -Infinity
  let minDb = Infinity
  for (const v of cells) {
    if (v > maxDb) maxDb = v
    if (v < minDb) minDb = v
  }
  if (loudestDb !== undefined) {
    maxDb = Math.max(loudestDb, maxDb)
    minDb = maxDb - 80
  }
  const bytes = new Uint8Array(cells.length)
  const span = maxDb - minDb || 1
  for (let i = 0; i < cells.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, (cells[i]! - minDb) / span)) * 255)
  return { bytes, minDb, maxDb }
}
