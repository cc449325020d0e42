import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MethodOutput, OpenSound, ResourceResponse, SpectrogramSettings } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'
import { routerCalls } from '../helpers/router-calls'
import { tempApp } from '../helpers/temp-app'

// The spectrogram's hover readout asks the core for the level of the cell under the pointer
// (audio.spectrogram.probe). Here a pure tone's level is checked against a DFT written out in this
// file, and the probed cell against the tile the editor draws with the same settings.
let app: PerceptApp
let cleanup: () => void
let home: string
const { call } = routerCalls(() => app)
let sound: OpenSound

const rate = 16_000
const toneHz = 3000
const amplitude = 0.5

function pcm16Wav(samples: number[]): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2)
  b.write('RIFF', 0, 'ascii')
  b.writeUInt32LE(36 + samples.length * 2, 4)
  b.write('WAVEfmt ', 8, 'ascii')
  b.writeUInt32LE(16, 16)
  b.writeUInt16LE(1, 20)
  b.writeUInt16LE(1, 22)
  b.writeUInt32LE(rate, 24)
  b.writeUInt32LE(rate * 2, 28)
  b.writeUInt16LE(2, 32)
  b.writeUInt16LE(16, 34)
  b.write('data', 36, 'ascii')
  b.writeUInt32LE(samples.length * 2, 40)
  samples.forEach((value, i) => b.writeInt16LE(Math.round(value * 32767), 44 + i * 2))
  return b
}

const samples = Array.from({ length: rate }, (_, i) => amplitude * Math.sin((2 * Math.PI * toneHz * i) / rate))

/** |X[k]|^2 of the periodic-Hann-windowed frame of n samples centred on `centre`, by the DFT's definition. */
function dftPowerDb(centre: number, n: number, k: number): number {
  let re = 0
  let im = 0
  for (let i = 0; i < n; i++) {
    const x = samples[centre - n / 2 + i] ?? 0
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
    re += x * w * Math.cos((2 * Math.PI * k * i) / n)
    im -= x * w * Math.sin((2 * Math.PI * k * i) / n)
  }
  return 10 * Math.log10(re * re + im * im)
}

function get(path: string, query: Record<string, string | number>): Promise<ResourceResponse> {
  return app.resources({ method: 'GET', path: path.split('/'), query: new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])), range: null, body: null })
}

function bytesOf(response: ResourceResponse): Uint8Array {
  if (response.body?.kind !== 'bytes') throw new Error(`expected bytes, got ${response.body?.kind}`)
  return response.body.bytes
}

type Cell = MethodOutput<'audio.spectrogram.probe'>
const probe = (settings: SpectrogramSettings, hz: number, rows: number, time = 0.5) => call<Cell>('audio.spectrogram.probe', { id: sound.id, time, hz, rows, settings })

beforeAll(async () => {
  ;({ app, home, close: cleanup } = tempApp())
  const path = join(home, 'tone.wav')
  writeFileSync(path, pcm16Wav(samples))
  sound = await call<OpenSound>('audio.open', { path })
})
afterAll(() => cleanup())

describe('the spectrogram probe', () => {
  it("gives a pure tone's level as the DFT of the same windowed frame does, within 1 dB", async () => {
    const settings: SpectrogramSettings = { fftSize: 1024, window: 'hann', axis: 'linear', rangeDb: 80 }
    const cell = await probe(settings, toneHz, 256)
    expect(cell.time).toBe(0.5)
    expect(cell.lowHz).toBeLessThanOrEqual(toneHz)
    expect(cell.highHz).toBeGreaterThan(toneHz)
    const bin = Math.round(toneHz / (rate / 1024))
    const expected = dftPowerDb(rate / 2, 1024, bin)
    expect(Math.abs(cell.db - expected)).toBeLessThan(1)
    // The same from theory: a bin-centred sine of amplitude A under a Hann window peaks at (A N / 4)^2.
    expect(cell.db).toBeCloseTo(20 * Math.log10((amplitude * 1024) / 4), 0)
    // Off the tone the level is far lower.
    expect((await probe(settings, 6000, 256)).db).toBeLessThan(cell.db - 60)
  })

  it('finds the tone in the peak row of the tile, within one bin, on the linear and the mel axis', async () => {
    for (const settings of [
      { fftSize: 512, window: 'hann', axis: 'linear', rangeDb: 80 },
      { fftSize: 2048, window: 'hamming', axis: 'mel', rangeDb: 100 },
    ] satisfies SpectrogramSettings[]) {
      const rows = 256
      const columns = 10
      const response = await get(`audio/${sound.id}/spectrogram`, { start: 0.25, end: 0.75, columns, mels: rows, fft: settings.fftSize, window: settings.window, axis: settings.axis, range: settings.rangeDb })
      const image = bytesOf(response)
      const column = 5
      let peak = 0
      for (let row = 1; row < rows; row++) if (image[row * columns + column]! > image[peak * columns + column]!) peak = row
      const time = 0.25 + ((column + 0.5) * 0.5) / columns
      const cell = await probe(settings, toneHz, rows, time)
      expect(cell.row).toBe(peak)
      const binHz = rate / settings.fftSize
      expect(Math.abs(cell.centreHz - toneHz)).toBeLessThanOrEqual(Math.max(binHz, (cell.highHz - cell.lowHz) / 2))
      // The probed dB is the value the tile coloured: its byte is the level's place in the range.
      const minDb = Number(response.headers['X-Min-Db'])
      expect(Number(response.headers['X-Max-Db']) - minDb).toBe(settings.rangeDb)
      expect(Math.abs(((cell.db - minDb) / settings.rangeDb) * 255 - image[peak * columns + column]!)).toBeLessThanOrEqual(1)
    }
  })

  it('refuses settings the core does not have', async () => {
    const refused = await get(`audio/${sound.id}/spectrogram`, { start: 0, end: 1, columns: 4, mels: 16, fft: 1000 })
    expect(refused.status).toBe(400)
    expect(new TextDecoder().decode(bytesOf(refused))).toMatch(/fft is 512, 1024/)
  })
})
