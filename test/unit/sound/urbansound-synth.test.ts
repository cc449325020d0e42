import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../../main/compute/seeded-random'
import { fftWindow, realFft } from '../../../main/dsp/features'
import { readAudioFile } from '../../../main/dsp/io'
import { loadUrbanSound8K } from '../../../main/sound/dataset/urbansound8k'
import { classSynths, type UrbanSoundClass } from '../../../main/sound/fixtures/class-synths'
import {
  generateUrbanSoundFixture,
  urbanSoundCsvHeader,
  urbanSoundFixtureSize,
  type UrbanSoundFixture,
} from '../../../main/sound/fixtures/urbansound-synth'
import { tempHome } from '../../helpers/temp-home'

/** UrbanSound8K's classes by classID, written out so that a reordering in the code shows. */
const us8kClasses = [
  'air_conditioner',
  'car_horn',
  'children_playing',
  'dog_bark',
  'drilling',
  'engine_idling',
  'gun_shot',
  'jackhammer',
  'siren',
  'street_music',
]

const homes: (() => void)[] = []
function tempDir(): string {
  const { home, cleanup } = tempHome('percept-us8k-')
  homes.push(cleanup)
  return home
}
afterAll(() => homes.forEach((cleanup) => cleanup()))

/** The CSV as rows of fields, header first. */
async function csvRows(fixture: UrbanSoundFixture): Promise<string[][]> {
  const text = await readFile(fixture.csvPath, 'utf8')
  expect(text.endsWith('\n')).toBe(true)
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split(','))
}

describe('generateUrbanSoundFixture (the default set: 2 clips per class per fold, 10 folds)', () => {
  let dir: string
  let fixture: UrbanSoundFixture
  beforeAll(async () => {
    dir = tempDir()
    fixture = await generateUrbanSoundFixture(dir, { seed: 11 })
  }, 60_000)

  it("writes UrbanSound8K's CSV: its header, 8 columns, one row per clip, sorted by file name", async () => {
    const [header, ...rows] = await csvRows(fixture)
    expect(fixture.csvPath).toBe(join(dir, 'metadata', 'UrbanSound8K.csv'))
    expect(header?.join(',')).toBe('slice_file_name,fsID,start,end,salience,fold,classID,class')
    expect(urbanSoundCsvHeader).toBe(header?.join(','))
    expect(rows).toHaveLength(200)
    expect(fixture.clips).toHaveLength(200)
    expect(fixture.classes).toEqual(us8kClasses)
    const names = rows.map((row) => row[0]!)
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : 1)))
    rows.forEach((row, i) => {
      const clip = fixture.clips[i]!
      expect(row).toHaveLength(8)
      const [name, fsID, start, end, salience, fold, classID, className] = row
      expect(name).toBe(clip.sliceFileName)
      expect(Number(fsID)).toBe(clip.fsID)
      expect(Number(start)).toBe(clip.start)
      expect(Number(end)).toBe(clip.end)
      expect(start).toMatch(/^\d+\.\d+$/) // Python's float repr, "0.0" for zero
      expect(Number(salience)).toBe(clip.salience)
      expect(['1', '2']).toContain(salience)
      expect(Number(fold)).toBe(clip.fold)
      expect(Number(classID)).toBe(clip.classID)
      expect(className).toBe(us8kClasses[clip.classID])
      expect(clip.className).toBe(className)
    })
  })

  it('names itself synthetic, so that the loader and every model card trained on it say so', async () => {
    expect(await readFile(join(fixture.dir, 'SYNTHETIC.txt'), 'utf8')).toMatch(/--seed 11 --clips-per-class-per-fold 2 .*it is not UrbanSound8K/s)
    const dataset = await loadUrbanSound8K(fixture.dir)
    expect(dataset.name).toBe('Synthetic fixture in UrbanSound8K layout')
    expect(dataset.clips.length).toBe(fixture.clips.length)
  })

  it('names files [fsID]-[classID]-[occurrenceID]-[sliceID].wav with the row\'s fsID and classID', () => {
    for (const clip of fixture.clips) {
      const match = /^(\d+)-(\d)-(\d+)-(\d+)\.wav$/.exec(clip.sliceFileName)
      expect(match, clip.sliceFileName).not.toBeNull()
      expect(Number(match![1])).toBe(clip.fsID)
      expect(Number(match![2])).toBe(clip.classID)
    }
  })

  it('puts 2 clips of every class in every fold, and all slices of one fsID in one fold', () => {
    for (let fold = 1; fold <= 10; fold++) {
      for (let classID = 0; classID < 10; classID++) {
        expect(fixture.clips.filter((c) => c.fold === fold && c.classID === classID)).toHaveLength(2)
      }
    }
    const bySource = new Map<number, UrbanSoundFixture['clips']>()
    for (const clip of fixture.clips) bySource.set(clip.fsID, [...(bySource.get(clip.fsID) ?? []), clip])
    let shared = 0
    for (const slices of bySource.values()) {
      // one source recording: one fold, one class, one file format
      expect(new Set(slices.map((c) => c.fold)).size).toBe(1)
      expect(new Set(slices.map((c) => c.classID)).size).toBe(1)
      expect(new Set(slices.map((c) => `${c.sampleRate} ${c.encoding} ${c.channels}`)).size).toBe(1)
      if (slices.length > 1) shared++
    }
    expect(shared).toBeGreaterThan(10) // sources with several slices exist, so the rule is exercised
    expect(bySource.size).toBeLessThan(190)
  })

  it("writes each row's file in audio/fold<fold>/, decoding to the declared duration, rate, channels and encoding", async () => {
    for (const clip of fixture.clips) {
      expect(clip.path).toBe(join(dir, 'audio', `fold${clip.fold}`, clip.sliceFileName))
      const audio = await readAudioFile(clip.path)
      expect(audio.format).toBe('wav')
      expect(audio.encoding).toBe(clip.encoding)
      expect(audio.sampleRate).toBe(clip.sampleRate)
      expect(audio.channels).toHaveLength(clip.channels)
      const frames = audio.channels[0]!.length
      expect(frames).toBe(clip.frames)
      expect(Math.abs((clip.end - clip.start) * clip.sampleRate - frames)).toBeLessThanOrEqual(1)
      expect(frames / clip.sampleRate).toBeLessThanOrEqual(4)
      expect(frames / clip.sampleRate).toBeGreaterThanOrEqual(0.3)
      let loudest = 0
      for (const x of audio.channels[0]!) loudest = Math.max(loudest, Math.abs(x))
      expect(loudest).toBeGreaterThan(0.05) // peaks sit at -24 to -1 dBFS
      expect(loudest).toBeLessThanOrEqual(1)
    }
  })

  it('tells its clip count, duration and size from the plan alone, before writing: the size within the headers', async () => {
    const size = urbanSoundFixtureSize({ seed: 11 })
    expect(size.clips).toBe(200)
    expect(size.seconds).toBeCloseTo(fixture.clips.reduce((sum, c) => sum + c.frames / c.sampleRate, 0), 6)
    let written = 0
    for (const clip of fixture.clips) written += (await stat(clip.path)).size
    // A header is 44 to 80 bytes; the estimate takes 80 for each.
    expect(size.bytes).toBeGreaterThanOrEqual(written)
    expect(size.bytes - written).toBeLessThanOrEqual(36 * 200)
    expect(urbanSoundFixtureSize({ seed: 11, clipsPerClassPerFold: 60 }).clips).toBe(6000)
  })

  it('mixes sample rates, encodings, channel counts, durations and salience like the real set', () => {
    const kinds = <T>(of: (c: UrbanSoundFixture['clips'][number]) => T) => new Set(fixture.clips.map(of))
    expect(kinds((c) => c.sampleRate)).toEqual(new Set([8000, 11025, 16000, 22050, 44100, 48000, 96000]))
    expect(kinds((c) => c.encoding)).toEqual(new Set(['pcm8', 'pcm16', 'pcm24', 'float32']))
    expect(kinds((c) => c.channels)).toEqual(new Set([1, 2]))
    expect(kinds((c) => c.salience)).toEqual(new Set([1, 2]))
    const full = fixture.clips.filter((c) => c.frames === 4 * c.sampleRate).length
    expect(full).toBeGreaterThan(120) // mostly 4 s ...
    expect(full).toBeLessThan(200) // ... some shorter, most of all gun shots
    const short = (className: string) =>
      fixture.clips.filter((c) => c.className === className && c.frames < 4 * c.sampleRate).length
    expect(short('gun_shot')).toBeGreaterThan(short('air_conditioner'))
  })
})

describe('generateUrbanSoundFixture determinism and options', () => {
  const small = { clipsPerClassPerFold: 1, folds: 2 }

  it('writes byte-identical files and CSV for the same seed, and other content for another seed', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()]
    const first = await generateUrbanSoundFixture(a, { seed: 5, ...small })
    const again = await generateUrbanSoundFixture(b, { seed: 5, ...small })
    const other = await generateUrbanSoundFixture(c, { seed: 6, ...small })
    expect(first.clips).toHaveLength(20)
    expect(await readFile(again.csvPath, 'utf8')).toBe(await readFile(first.csvPath, 'utf8'))
    for (const [i, clip] of first.clips.entries()) {
      const bytes = await readFile(clip.path)
      expect(bytes.length).toBeGreaterThan(1000)
      expect(bytes.equals(await readFile(again.clips[i]!.path)), clip.sliceFileName).toBe(true)
    }
    expect(await readFile(other.csvPath, 'utf8')).not.toBe(await readFile(first.csvPath, 'utf8'))
    const names = new Set(first.clips.map((clip) => clip.sliceFileName))
    expect(other.clips.filter((clip) => names.has(clip.sliceFileName))).toHaveLength(0)
  }, 60_000)

  it('rejects sizes outside UrbanSound8K\'s shape with a VALIDATION error', async () => {
    const dir = tempDir()
    const bad = [{ seed: 1, folds: 11 }, { seed: 1, folds: 0 }, { seed: 1, clipsPerClassPerFold: 1.5 }, { seed: Number.NaN }]
    for (const options of bad) {
      await expect(generateUrbanSoundFixture(dir, options)).rejects.toMatchObject({ code: 'VALIDATION' })
    }
  })
})

describe('class synthesisers', () => {
  const sampleRate = 22050
  const n = 2048
  const window = fftWindow('hann', n, n)

  function synth(className: UrbanSoundClass, seed: number, seconds = 4, rate = sampleRate): Float32Array {
    const out = new Float32Array(Math.round(seconds * rate))
    classSynths[className](out, rate, seededRandom(seed), seededRandom(seed + 1000))
    return out
  }

  /** Power spectra of Hann frames of n samples, hop n / 4. */
  function powerFrames(x: Float32Array): Float64Array[] {
    const fft = realFft(n)
    const frame = new Float64Array(n)
    const frames: Float64Array[] = []
    for (let at = 0; at + n <= x.length; at += n / 4) {
      for (let i = 0; i < n; i++) frame[i] = x[at + i]! * window[i]!
      const spectrum = fft.forward(frame)
      const power = new Float64Array(n / 2 + 1)
      for (let k = 0; k <= n / 2; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
      frames.push(power)
    }
    return frames
  }

  /** How much the spectral centroid moves from frame to frame: its standard deviation over its mean. */
  function centroidVariation(x: Float32Array): number {
    const centroids = powerFrames(x).map((p) => {
      let weighted = 0
      let total = 0
      p.forEach((v, k) => {
        weighted += v * k
        total += v
      })
      return weighted / total
    })
    const mean = centroids.reduce((s, c) => s + c, 0) / centroids.length
    return Math.sqrt(centroids.reduce((s, c) => s + (c - mean) ** 2, 0) / centroids.length) / mean
  }

  function energyBelow(x: Float32Array, hz: number): number {
    let below = 0
    let total = 0
    for (const p of powerFrames(x)) {
      p.forEach((v, k) => {
        total += v
        if ((k * sampleRate) / n < hz) below += v
      })
    }
    return below / total
  }

  function energyBefore(x: Float32Array, seconds: number): number {
    let before = 0
    let total = 0
    x.forEach((v, i) => {
      total += v * v
      if (i < seconds * sampleRate) before += v * v
    })
    return before / total
  }

  const seeds = [1, 2, 3, 4, 5, 6]

  it("moves a siren's spectral centroid over time and holds an air conditioner's steady", () => {
    const siren = seeds.map((seed) => centroidVariation(synth('siren', seed)))
    const air = seeds.map((seed) => centroidVariation(synth('air_conditioner', seed)))
    for (const v of siren) expect(v).toBeGreaterThan(0.1)
    for (const v of air) expect(v).toBeLessThan(0.1)
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length
    expect(mean(siren)).toBeGreaterThan(2 * mean(air))
  })

  it("puts a gun shot's energy in its first 300 ms, unlike an idling engine's", () => {
    for (const seed of seeds) {
      expect(energyBefore(synth('gun_shot', seed), 0.3)).toBeGreaterThan(0.85)
      expect(energyBefore(synth('engine_idling', seed), 0.3)).toBeLessThan(0.2)
    }
  })

  it("keeps an idling engine's energy below 500 Hz, unlike a siren's", () => {
    for (const seed of seeds) {
      expect(energyBelow(synth('engine_idling', seed), 500)).toBeGreaterThan(0.95)
      expect(energyBelow(synth('siren', seed), 500)).toBeLessThan(0.05)
    }
  })

  it('hits a jackhammer 10 to 20 times a second', () => {
    // The envelope (RMS of 5 ms frames) repeats at the hit period: the first strong peak of its
    // autocorrelation (multiples of the period come later) says the rate.
    const hop = Math.round(0.005 * sampleRate)
    for (const seed of seeds) {
      const x = synth('jackhammer', seed)
      const envelope = Array.from({ length: Math.floor(x.length / hop) }, (_, f) => {
        let sum = 0
        for (let i = f * hop; i < (f + 1) * hop; i++) sum += x[i]! ** 2
        return Math.sqrt(sum / hop)
      })
      const mean = envelope.reduce((s, v) => s + v, 0) / envelope.length
      const centred = envelope.map((v) => v - mean)
      const correlation = (lag: number) => centred.slice(lag).reduce((s, v, i) => s + v * centred[i]!, 0)
      let period = 4
      const peaks = (lag: number) => correlation(lag) > 0.5 * correlation(0) && correlation(lag) >= correlation(lag + 1)
      while (period < 40 && !peaks(period)) period++
      const rate = 1 / (period * 0.005)
      expect(rate).toBeGreaterThanOrEqual(9)
      expect(rate).toBeLessThanOrEqual(21)
    }
  })

  it('sounds at every class for the shortest clips and the lowest and highest rates, with no NaN', () => {
    for (const className of us8kClasses as UrbanSoundClass[]) {
      for (const rate of [8000, 96000]) {
        const x = synth(className, 3, 0.3, rate)
        expect(x.every(Number.isFinite), `${className} at ${rate} Hz`).toBe(true)
        expect(x.some((v) => v !== 0), `${className} at ${rate} Hz`).toBe(true)
      }
    }
  })
})
