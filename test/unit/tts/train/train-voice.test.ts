import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { openOnnxSession } from '../../../../main/compute/onnx'
import { decodeTensors } from '../../../../main/compute/tensor-files'
import { loadCheckpoint, saveCheckpoint } from '../../../../main/core/jobs/checkpoint'
import type { JobContext, MetricInput } from '../../../../main/core/jobs/kind'
import { makeFixtureCorpus } from '../../../../main/tts/corpus/fixture'
import { predictRows } from '../../../../main/tts/model/mlp'
import { frameInputSize } from '../../../../main/tts/model/voice-config'
import { buildVoiceNetworks, disposeVoiceNetworks, voiceVariables } from '../../../../main/tts/model/voice-networks'
import { readVoicePackage, Voice } from '../../../../main/tts/model/voice-package'
import { synthesizeText } from '../../../../main/tts/synthesize'
import { ttsTrainInput, trainingStages } from '../../../../main/tts/train/train-job'
import { trainVoice } from '../../../../main/tts/train/train-voice'
import { tempHome } from '../../../helpers/temp-home'

// A tiny end-to-end train of each system on a 3-sentence festival corpus (tiny widths, 1 epoch, then a
// resume to 2 from the checkpoint), the installed voice's ONNX against TF.js on the checkpoint's weights,
// and `synthesizeText` with it. Skipped where festival (Debian's festival + festvox-us-slt-hts) is absent.
const hasFestival = spawnSync('festival', ['--version']).error === undefined
const widths = { duration: [8], acoustic: [16, 16], autoencoder: [24, 6], bottleneck: [12], postFilter: [16] }
let home: string
let cleanup: () => void

beforeAll(async () => {
  ;({ home, cleanup } = tempHome('percept-tts-train-'))
  if (!hasFestival) return
  await useBackend('cpu')
  await makeFixtureCorpus(join(home, 'corpus'), { sentences: 3, seed: 2 })
}, 60_000)
afterAll(() => cleanup())

/** A job context; with `crashAt`, that checkpoint save fails as if the process died before it. */
function context(runDir: string, metrics: MetricInput[], crashAt = Infinity): JobContext {
  let saves = 0
  return {
    jobId: 'job1',
    runDir,
    modelsDir: join(home, 'models'),
    cacheDir: join(home, 'cache'),
    attempt: 1,
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    metric: (m) => void metrics.push(m),
    checkpoint: {
      save: async (state, files) => {
        if (++saves >= crashAt) throw new Error('crashed')
        await saveCheckpoint(runDir, state, files)
      },
      load: () => loadCheckpoint(runDir),
    },
  }
}

describe.skipIf(!hasFestival).each(['dnn', 'mdnn'] as const)('tts.train, %s', (system) => {
  it('trains every stage, checkpoints, resumes, installs a voice whose ONNX matches TF.js, and speaks', async () => {
    const runDir = join(home, 'runs', system)
    const metrics: MetricInput[] = []
    const input = ttsTrainInput.parse({ corpus: join(home, 'corpus'), system, epochs: 2, seed: 4, widths, batchSize: 64 })
    const stages = trainingStages(system, 2)
    expect(stages).toEqual(system === 'dnn' ? ['duration', 'acoustic'] : ['duration', 'acoustic', 'autoencoder-layer1', 'autoencoder-layer2', 'autoencoder', 'bottleneck', 'stacked', 'postfilter'])
    // The run dies while saving its 4th checkpoint (acoustic, epoch 2): the 3rd (acoustic, epoch 1) is the last whole one.
    await expect(trainVoice(input, context(runDir, metrics, 4))).rejects.toThrow('crashed')
    const saved = await loadCheckpoint(runDir)
    expect(saved!.state).toMatchObject({ epoch: 3, stage: 1, stageName: 'acoustic', stageEpoch: 1 })
    const before = saved!.state.history as unknown as { stage: string; epoch: number; loss: number; validationLoss: number }[]
    expect(before.map((h) => [h.stage, h.epoch])).toEqual([['duration', 1], ['duration', 2], ['acoustic', 1]])
    for (const h of before) for (const v of [h.loss, h.validationLoss]) expect(Number.isFinite(v) && v >= 0).toBe(true)
    expect(metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['acoustic.loss', 'acoustic.validation_loss', 'duration.loss']))

    const resumed = await trainVoice(input, context(runDir, metrics))
    // The saved epochs are kept; training goes on from acoustic epoch 2 (its optimiser restored) through every stage.
    expect(resumed.history.slice(0, 3)).toEqual(before)
    expect(resumed.history.slice(3).map((h) => [h.stage, h.epoch])).toEqual([['acoustic', 2], ...stages.slice(2).flatMap((s) => [[s, 1], [s, 2]])])
    for (const h of resumed.history) for (const v of [h.loss, h.validationLoss, h.stepSeconds]) expect(Number.isFinite(v) && v >= 0).toBe(true)
    // 3 utterances: a tenth rounds to the minimum of 1 held out.
    expect(resumed.utterances).toEqual({ train: 2, validation: 1 })
    expect(resumed.alignment.mismatchRate).toBeLessThan(0.4)
    expect(resumed.modelId).toBe(`tts-${system}-job1`)
    expect(resumed.onnxMaxDifference).toBeLessThan(1e-4)
    expect(resumed.evaluation!.systems.map((s) => `${s.system}:${s.postFilter}`)).toEqual(system === 'dnn' ? ['dnn:true', 'dnn:false'] : ['dnn:true', 'dnn:false', 'mdnn:true', 'mdnn:false'])
    for (const s of resumed.evaluation!.systems) expect(s.mcd! > 0 && s.mcd! < 60).toBe(true)

    const dir = join(home, 'models', resumed.modelId!)
    for (const f of ['model.onnx', 'duration.onnx', 'stats.json', 'card.md', ...(system === 'mdnn' ? ['spectral.onnx', 'postfilter.onnx'] : [])]) expect(existsSync(join(dir, f))).toBe(true)
    expect(readFileSync(join(dir, 'card.md'), 'utf8')).toMatch(/## Objective scores[\s\S]*\| DNN \|/)
    const source = await readVoicePackage(dir)
    expect(source.meta.task).toBe('speech-synthesis')
    expect(source.preprocessing).toMatchObject({ system, sampleRate: 16000, heldOut: resumed.heldOut })
    // Each post-filter speaks by default only where it lowered the held-out MCD.
    const mcd = (of: string, postFilter: boolean) => resumed.evaluation!.systems.find((s) => s.system === of && s.postFilter === postFilter)?.mcd
    expect(source.preprocessing.postFilterNetwork).toBe(system === 'mdnn' ? mcd('mdnn', true)! < mcd('mdnn', false)! : undefined)
    expect(source.preprocessing.cepstralPostFilter).toBe(mcd('dnn', true)! < mcd('dnn', false)!)

    // model.onnx against the baseline DNN rebuilt from the last checkpoint's weights, on made-up frame rows.
    const last = await loadCheckpoint(runDir)
    const nets = buildVoiceNetworks(system, { ...widths }, 4)
    const weights = decodeTensors(last!.files['weights.bin']!, last!.files['weights.json']!)
    voiceVariables(nets).forEach((v, i) => v.assign(weights[i]!))
    const rows = Float32Array.from({ length: 4 * frameInputSize }, (_, i) => Math.sin(i * 0.37))
    const want = predictRows(nets.acoustic, rows, 4)
    const session = await openOnnxSession(join(dir, 'model.onnx'))
    const got = (await session.run({ [source.preprocessing.graphs.acoustic.input]: { data: rows, shape: [4, frameInputSize] } }))[source.preprocessing.graphs.acoustic.output]!.data as Float32Array
    await session.release()
    want.forEach((v, i) => expect(Math.abs(v - got[i]!)).toBeLessThan(1e-4))
    disposeVoiceNetworks(nets)

    const voice = await Voice.open(source)
    try {
      const spoken = await synthesizeText('Hello there. The cat sat.', voice)
      expect(spoken.sentences).toBe(2)
      expect(spoken.sampleRate).toBe(16000)
      // 2 sentences of 4 and 7 phones plus pauses: each phone lasts at least 5 ms, at most 2 s.
      expect(spoken.duration).toBeGreaterThan(0.2)
      expect(spoken.duration).toBeLessThan(20)
      expect(spoken.samples.every((v) => Number.isFinite(v))).toBe(true)
      expect(spoken.samples.some((v) => Math.abs(v) > 1e-4)).toBe(true)
      expect(spoken.phones[0]).toMatchObject({ phone: 'pau', start: 0 })
      spoken.phones.forEach((p, i) => {
        expect(p.end).toBeGreaterThan(p.start)
        if (i > 0) expect(p.start).toBeCloseTo(spoken.phones[i - 1]!.end, 9)
      })
      expect(spoken.phones[spoken.phones.length - 1]!.end).toBeCloseTo(spoken.duration, 9)
    } finally {
      await voice.release()
    }
  }, 180_000)
})

describe.skipIf(!hasFestival)('tts.train, epochs per stage', () => {
  it('trains a stage named in stageEpochs for its own epochs, the others for epochs; refuses a stage the system lacks', async () => {
    const base = { corpus: join(home, 'corpus'), system: 'dnn', epochs: 1, seed: 4, widths, batchSize: 64, exportModel: false }
    const input = ttsTrainInput.parse({ ...base, stageEpochs: { duration: 3 } })
    const report = await trainVoice(input, context(join(home, 'runs', 'stage-epochs'), []))
    expect(report.history.map((h) => [h.stage, h.epoch])).toEqual([['duration', 1], ['duration', 2], ['duration', 3], ['acoustic', 1]])
    expect(report.stageEpochs).toEqual({ duration: 3 })
    const wrong = ttsTrainInput.parse({ ...base, stageEpochs: { postfilter: 2 } })
    await expect(trainVoice(wrong, context(join(home, 'runs', 'stage-epochs-wrong'), []))).rejects.toThrow(/No stage postfilter in a voice of system dnn: give --stage-epochs stages among duration, acoustic/)
  }, 120_000)
})
