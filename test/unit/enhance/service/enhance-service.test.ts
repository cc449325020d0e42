import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EnhanceOutcome, JobDetail, JobSummary } from '../../../../main/api'
import { EventBus } from '../../../../main/core/event-bus'
import { ModelLibrary } from '../../../../main/compute/model-package'
import type { JobContext } from '../../../../main/core/jobs/kind'
import { placesFor, WriteTargets } from '../../../../main/core/write-target'
import { decodeNpy } from '../../../../main/dsp/features'
import { readAudioFile, writeWavFile } from '../../../../main/dsp/io'
import { EnhanceService, firingFromCard } from '../../../../main/enhance/enhance-service'
import { signalIdealBinaryMask } from '../../../../main/enhance/ideal-binary-mask'
import { siSdr } from '../../../../main/enhance/metrics/si-sdr'
import { snrDb } from '../../../../main/enhance/metrics/snr'
import { mixAtSnr } from '../../../../main/enhance/mixture'
import { runEnhancement } from '../../../../main/enhance/run-clip'
import { enhanceRunInput } from '../../../../main/enhance/run-job'
import { enhanceModelCard } from '../../../../main/enhance/train/install-model'
import type { EnhanceTrainReport } from '../../../../main/enhance/train/train-job'
import { repoRoot } from '../../../helpers/built-app'
import { speechLike, uniformNoise } from '../signals'

// The Enhancement tab's service and its enhance.run work, on the bundled models and a speech-like clip
// mixed with white noise at 0 dB: the files written, the reference IBM against one computed apart, the
// metrics against the signals read back, and every bad input refused with what to do.

const dir = mkdtempSync(join(tmpdir(), 'percept-enhance-service-'))
const bundled = join(repoRoot, 'models')
const models = new ModelLibrary(join(dir, 'models'), new EventBus(), new WriteTargets(placesFor(dir)), bundled)
const started: { kind: string; input: unknown }[] = []
const jobs = {
  start(kind: string, input: unknown): JobSummary {
    started.push({ kind, input })
    return { id: `job-${started.length}`, kind, state: 'queued' } as unknown as JobSummary
  },
  get(id: string): JobDetail {
    throw Object.assign(new Error(`no job ${id}`), { code: 'NOT_FOUND' })
  },
}
const service = new EnhanceService({ jobs, models, runsDir: join(dir, 'runs'), datasetsDir: join(dir, 'datasets') })

const clean = Float32Array.from(speechLike(32_000, 16_000), (v) => 0.3 * v)
const mixture = mixAtSnr(clean, uniformNoise(32_000, 7), 0)
const paths = { noisy: join(dir, 'noisy.wav'), clean: join(dir, 'clean.wav'), noise: join(dir, 'noise.wav'), short: join(dir, 'short.wav'), long: join(dir, 'long.wav'), lips: join(dir, 'lips'), video: join(dir, 'face.mp4'), text: join(dir, 'notes.txt'), garbage: join(dir, 'garbage.wav') }

function context(runDir: string): JobContext {
  mkdirSync(runDir, { recursive: true })
  return {
    jobId: 'job-test',
    runDir,
    modelsDir: join(dir, 'models'),
    cacheDir: join(dir, 'cache'),
    attempt: 1,
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    metric: () => {},
    checkpoint: { save: async () => {}, load: async () => null },
  }
}

const wav = (path: string, samples: ArrayLike<number>) => writeWavFile(path, { sampleRate: 16_000, channels: [Float32Array.from(samples)] }, 'float32')
const unimodalDir = join(bundled, 'enhance', 'unimodal')

beforeAll(async () => {
  await wav(paths.noisy, mixture.noisy)
  await wav(paths.clean, clean)
  await wav(paths.noise, mixture.noise)
  await wav(paths.short, mixture.noisy.subarray(0, 3000))
  await wav(paths.long, new Float32Array(40_000))
  mkdirSync(paths.lips)
  writeFileSync(paths.video, 'not really a video')
  writeFileSync(paths.text, 'hello')
  writeFileSync(paths.garbage, 'this is text with a .wav name, not audio')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('enhance.models', () => {
  it('lists the bundled models in the paper order with their lips needs and the card figures', async () => {
    const list = await service.models()
    const bundledOnes = list.filter((m) => m.bundled)
    expect(bundledOnes.map((m) => [m.id, m.kind, m.withLips])).toEqual([
      ['bundled/unimodal', 'unimodal', false],
      ['bundled/multimodal', 'multimodal', true],
      ['bundled/mburst', 'mburst', true],
    ])
    const mburst = bundledOnes[2]!
    expect(mburst.layers).toEqual(['audio_conv1', 'audio_conv2', 'audio_embed', 'lips_conv1', 'lips_conv2', 'lips_embed', 'mask'])
    // The card is the source here (no training job in this workspace): its table row for each layer.
    expect(mburst.firing.source).toBe('card')
    const card = readFileSync(join(bundled, 'enhance', 'mburst', 'card.md'), 'utf8')
    const row = /\| audio_embed \| ([\d.]+) \| ([\d.]+) \|/.exec(card)!
    expect(mburst.firing.last!.audio_embed).toBe(Number(row[1]))
    expect(mburst.firing.area!.audio_embed).toBe(Number(row[2]))
    const rates = mburst.layers.map((l) => mburst.firing.last![l]!)
    expect(mburst.firing.last!.network).toBeCloseTo(rates.reduce((a, b) => a + b) / rates.length, 12)
  })

  it("reads back the firing-rate table of a card written from a training report", () => {
    const report = {
      model: 'unimodal',
      dataset: 'corpus',
      synthetic: true,
      split: 0,
      seed: 1,
      epochs: 2,
      batchSize: 8,
      snrsDb: [0],
      architecture: { convChannels: 2, embedding: 4 },
      parameters: { total: 10, feedback: 0, layers: [] },
      layers: ['audio_conv1', 'mask'],
      positiveWeight: 1.5,
      mixtures: { train: 1, test: 1, proxy: 1 },
      history: [1, 2].map((epoch) => ({
        epoch,
        train: { loss: 1, f1: 0.5, accuracy: 0.5, counts: { tp: 1, fp: 1, fn: 1, tn: 1 }, examples: 4, eventRates: [0.1 * epoch, 0.2 * epoch], burstProbabilities: null, burstRates: null },
        proxy: null,
      })),
      firingRateArea: { train: { audio_conv1: 0.15, mask: 0.3, network: 0.225 }, proxy: null },
      backend: 'cpu',
      modelId: null,
      notes: [],
    } as unknown as EnhanceTrainReport
    const parsed = firingFromCard(enhanceModelCard(report), report.layers)
    // The card prints 3 decimals; the network's figures are the layers' means.
    expect(parsed!.last).toEqual({ audio_conv1: 0.2, mask: 0.4, network: expect.closeTo(0.3, 12) })
    expect(parsed!.area).toEqual({ audio_conv1: 0.15, mask: 0.3, network: expect.closeTo(0.225, 12) })
  })
})

describe('enhance.run (service checks)', () => {
  it('runs the chosen model and one of each other kind, leaving out those that need lips when none are given', async () => {
    started.length = 0
    await service.run({ noisy: paths.noisy, clean: paths.clean, model: 'bundled/unimodal', mask: 'soft', compare: true, lcDb: 5 })
    const input = enhanceRunInput.parse(started[0]!.input)
    expect(started[0]!.kind).toBe('enhance.run')
    expect(input.models.map((m) => m.id)).toEqual(['bundled/unimodal'])
    expect(input.skipped.map((s) => s.id)).toEqual(['bundled/multimodal', 'bundled/mburst'])
    await service.run({ noisy: paths.noisy, lips: paths.lips, model: 'bundled/mburst', mask: 'binary', compare: true, lcDb: 5 })
    expect(enhanceRunInput.parse(started[1]!.input).models.map((m) => m.kind)).toEqual(['mburst', 'unimodal', 'multimodal'])
  })

  it('refuses bad input before a job starts, saying what to do', async () => {
    started.length = 0
    const refused = (input: Parameters<EnhanceService['run']>[0]) => service.run(input).then(() => null, (error: Error & { code: string }) => `${error.code}: ${error.message}`)
    const base = { noisy: paths.noisy, model: 'bundled/unimodal', mask: 'soft' as const, compare: false, lcDb: 5 }
    expect(await refused({ ...base, model: 'bundled/multimodal' })).toMatch(/^VALIDATION: bundled\/multimodal is a Multimodal model: it needs the speaker's lips/)
    expect(await refused({ ...base, noisy: paths.text })).toMatch(/^VALIDATION: The noisy clip notes.txt is not a sound file; choose a WAV/)
    expect(await refused({ ...base, noisy: join(dir, 'absent.wav') })).toMatch(/^NOT_FOUND: The noisy clip .*absent.wav does not exist/)
    expect(await refused({ ...base, lips: paths.video })).toMatch(/^VALIDATION: face.mp4 is a video file: extract its frames first/)
    expect(await refused({ ...base, model: 'nope' })).toMatch(/^NOT_FOUND: There is no enhancement model nope; the enhancement models here are bundled\/unimodal/)
    expect(started).toEqual([])
  })
})

describe('enhance.run (the work)', () => {
  let outcome: EnhanceOutcome
  const runDir = join(dir, 'runs', 'job-test')
  beforeAll(async () => {
    const input = enhanceRunInput.parse({ noisy: paths.noisy, clean: paths.clean, models: [{ id: 'bundled/unimodal', dir: unimodalDir, kind: 'unimodal' }], mask: 'soft' })
    outcome = await runEnhancement(input, context(runDir))
  }, 120_000)

  it('writes the versions in editor order at 16 kHz, the noisy clip as given', async () => {
    expect(outcome.versions.map((v) => v.key)).toEqual(['noisy', 'enhanced', 'clean', 'oracle'])
    expect(outcome.frames).toBe(1 + Math.floor((32_000 - 1244) / 311))
    for (const v of outcome.versions) {
      const audio = await readAudioFile(v.path)
      expect(audio.sampleRate).toBe(16_000)
      expect(audio.channels[0]!.length).toBe(32_000)
    }
    const noisy = (await readAudioFile(outcome.versions[0]!.path)).channels[0]!
    expect(noisy[12_345]).toBeCloseTo(mixture.noisy[12_345]!, 6)
    expect(JSON.parse(readFileSync(join(runDir, 'result.json'), 'utf8'))).toEqual(outcome)
  })

  it('gives the reference IBM of eq. (9) with the noise taken as noisy - clean, and the model mask with frames 0..6 at 1', () => {
    const reference = decodeNpy(readFileSync(join(runDir, 'masks', 'reference.npy')))
    expect(reference.shape).toEqual([outcome.frames, 622])
    const noise = Float32Array.from(mixture.noisy, (v, i) => v - clean[i]!)
    const expected = signalIdealBinaryMask(clean, noise, 5).mask
    expect(Array.from(reference.data as Float32Array)).toEqual(Array.from(expected))
    const ones = expected.reduce((s, v) => s + v, 0) / expected.length
    expect(outcome.masks[0]!.onesFraction).toBeCloseTo(ones, 10)
    expect(ones).toBeGreaterThan(0.02)
    expect(ones).toBeLessThan(0.9)
    const model = decodeNpy(readFileSync(join(runDir, 'masks', 'model-0.npy')))
    expect(model.shape).toEqual([outcome.frames, 622])
    const data = model.data as Float32Array
    expect(Array.from(data.subarray(0, 7 * 622)).every((v) => v === 1)).toBe(true)
    expect(Array.from(data.subarray(7 * 622)).every((v) => v >= 0 && v <= 1)).toBe(true)
    expect(outcome.masks.map((m) => m.url)).toEqual(['res/enhance/job-test/mask/reference', 'res/enhance/job-test/mask/model-0'])
  })

  it('scores every version against the clean speech: the noisy at 0 dB, the oracle well above it', async () => {
    const byKey = Object.fromEntries(outcome.metrics.map((m) => [m.key, m]))
    expect(Object.keys(byKey)).toEqual(['noisy', 'enhanced', 'oracle'])
    // Mixed at 0 dB: the error of the noisy clip is the noise, of equal energy.
    expect(byKey.noisy!.snrDb).toBeCloseTo(0, 4)
    expect(byKey.noisy!.snrImprovement).toBeCloseTo(0, 10)
    expect(byKey.oracle!.siSdr).toBeGreaterThan(byKey.noisy!.siSdr + 3)
    const enhanced = (await readAudioFile(join(runDir, 'enhanced.wav'))).channels[0]!
    expect(byKey.enhanced!.siSdr).toBeCloseTo(siSdr(clean, enhanced), 6)
    expect(byKey.enhanced!.snrImprovement).toBeCloseTo(snrDb(clean, enhanced) - snrDb(clean, mixture.noisy), 6)
    for (const m of outcome.metrics) expect(m.stoi).toBeGreaterThan(0)
    expect(outcome.models[0]!.layers).toEqual(['audio_conv1', 'audio_conv2', 'audio_embed', 'mask'])
    expect(outcome.models[0]!.rates.network).toBeGreaterThan(0)
    expect(outcome.models[0]!.realTimeFactor).toBeGreaterThan(0)
  })

  it('derives the clean speech from the noise alone, giving the same reference mask', async () => {
    const input = enhanceRunInput.parse({ noisy: paths.noisy, noise: paths.noise, models: [{ id: 'bundled/unimodal', dir: unimodalDir, kind: 'unimodal' }] })
    const other = join(dir, 'runs', 'job-noise')
    await runEnhancement(input, context(other))
    const a = decodeNpy(readFileSync(join(runDir, 'masks', 'reference.npy'))).data as Float32Array
    const b = decodeNpy(readFileSync(join(other, 'masks', 'reference.npy'))).data as Float32Array
    let differ = 0
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++
    // float32 rounding of noisy - noise vs the clean as written: at most a unit on the threshold
    expect(differ / a.length).toBeLessThan(1e-3)
  }, 120_000)

  it('refuses a clip under 8 frames, a clean reference of another length, multimodal models without lips, and a file that is no audio', async () => {
    const run = (input: unknown, name: string) => runEnhancement(enhanceRunInput.parse(input), context(join(dir, 'runs', name))).then(() => null, (error: Error & { code: string }) => `${error.code}: ${error.message}`)
    const model = [{ id: 'bundled/unimodal', dir: unimodalDir, kind: 'unimodal' }]
    expect(await run({ noisy: paths.short, models: model }, 'short')).toMatch(/^VALIDATION: short.wav is 0.188 s .* at least 8 are needed, so give a clip of at least 3421 samples/)
    expect(await run({ noisy: paths.noisy, clean: paths.long, models: model }, 'long')).toMatch(/^VALIDATION: The clean speech long.wav lasts 2.500 s but the noisy clip 2.000 s: give the clean speech of this very mixture/)
    expect(await run({ noisy: paths.noisy, models: [{ id: 'bundled/multimodal', dir: join(bundled, 'enhance', 'multimodal'), kind: 'multimodal' }] }, 'lipless')).toMatch(/^VALIDATION: The multimodal models need the lips/)
    expect(await run({ noisy: paths.garbage, models: model }, 'garbage')).toBe('INVALID_FILE: garbage.wav is a text file, not audio. Choose a WAV, FLAC, MP3 or Ogg Vorbis file.')
    expect(existsSync(join(dir, 'runs', 'short', 'result.json'))).toBe(false)
  })
})
