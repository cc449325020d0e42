import * as tf from '@tensorflow/tfjs-core'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { readModelPackage } from '../../../../main/compute/model-package'
import { openOnnxSession } from '../../../../main/compute/onnx'
import { decodeTensors } from '../../../../main/compute/tensor-files'
import { loadCheckpoint, saveCheckpoint } from '../../../../main/core/jobs/checkpoint'
import type { JobContext, MetricInput } from '../../../../main/core/jobs/kind'
import { assignWeights, disposeNetWeights, enhanceNetConfig, forwardPass, initNetWeights, meanRates } from '../../../../main/enhance/model/enhance-net'
import { enhanceTrainInput, runEnhanceTraining, type EnhanceTrainReport } from '../../../../main/enhance/train/train-job'
import { tempHome } from '../../../helpers/temp-home'
import { writeTinyCorpus } from './tiny-corpus'

// One epoch of each model on a tiny synthetic corpus (4 utterances of 0.5 s: 2 train, 1 test, 1 proxy;
// one SNR), a tiny network (2 conv channels, embedding 4), then a resume to epoch 2 from the checkpoint,
// and the installed package's ONNX output against the TF.js forward pass of the checkpoint's weights.
let home: string
let cleanup: () => void
beforeAll(async () => {
  await useBackend('cpu')
  ;({ home, cleanup } = tempHome('percept-enhance-train-'))
  writeTinyCorpus(join(home, 'corpus'), { utterances: 4, seconds: 0.5, seed: 5 })
})
afterAll(() => cleanup())

function context(runDir: string, metrics: MetricInput[]): JobContext {
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
    checkpoint: { save: (state, files) => saveCheckpoint(runDir, state, files).then(() => {}), load: () => loadCheckpoint(runDir) },
  }
}

describe.each(['unimodal', 'multimodal', 'mburst'] as const)('enhance.train, %s', (model) => {
  it('trains an epoch, checkpoints, resumes to the next, and installs a package whose ONNX matches TF.js', async () => {
    const runDir = join(home, 'runs', model)
    const metrics: MetricInput[] = []
    const input = enhanceTrainInput.parse({ dataset: join(home, 'corpus'), model, epochs: 1, seed: 3, batchSize: 16, convChannels: 2, embedding: 4, snrsDb: [0], exportModel: false })
    const first = await runEnhanceTraining(input, context(runDir, metrics))
    expect(first.history).toHaveLength(1)
    // 2 training mixtures of 22 frames, 15 with a full context each
    expect(first.mixtures).toEqual({ train: 2, test: 1, proxy: 1 })
    expect(first.history[0]!.train.examples).toBe(30)
    expect(first.history[0]!.proxy!.examples).toBe(15)
    const e1 = first.history[0]!
    for (const v of [e1.train.loss, e1.train.f1, e1.train.accuracy, e1.proxy!.loss, e1.proxy!.f1, e1.proxy!.accuracy]) expect(Number.isFinite(v)).toBe(true)
    const layers = model === 'unimodal' ? 4 : 7
    expect(first.layers).toHaveLength(layers)
    expect(e1.train.eventRates.every((r) => r > 0 && r < 1)).toBe(true)
    expect(e1.train.burstRates === null).toBe(model !== 'mburst')
    // units counted = examples x 622
    const c = e1.train.counts
    expect(c.tp + c.fp + c.fn + c.tn).toBe(30 * 622)
    expect(metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['train.loss', 'train.f1', 'proxy.accuracy', 'train.rate.network']))
    const saved = await loadCheckpoint(runDir)
    expect(saved!.state.epoch).toBe(1)

    const resumed = await runEnhanceTraining({ ...input, epochs: 2, exportModel: true }, context(runDir, metrics))
    expect(resumed.history).toHaveLength(2)
    expect(resumed.history[0]).toEqual(e1)
    expect(resumed.positiveWeight).toBe(first.positiveWeight)
    expect(resumed.firingRateArea.train.network).toBeCloseTo((resumed.history[0]!.train.eventRates.reduce((a, b) => a + b) / layers + resumed.history[1]!.train.eventRates.reduce((a, b) => a + b) / layers) / 2, 10)
    expect(resumed.modelId).toBe(`enhance-${model}-job1`)

    const pkg = await readModelPackage(join(home, 'models', resumed.modelId!))
    expect(pkg.meta.task).toBe('speech-enhancement')
    expect(pkg.meta.preprocessing).toMatchObject({ sampleRate: 16000, frameLength: 1244, hopLength: 311, model, inputBins: { first: 1, count: 500 }, training: { seed: 3, split: 0, snrsDb: [0] } })
    expect(readFileSync(join(pkg.dir, 'card.md'), 'utf8')).toMatch(model === 'mburst' ? /p_L = clip\(pbar \(1 - h\(e_L\) dL\/de_L\), 0, 1\)/ : /back-propagation/)

    // ONNX vs the TF.js forward pass of the last checkpoint's weights, on 3 random examples
    const last = await loadCheckpoint(runDir)
    const weights = initNetWeights(enhanceNetConfig(model, { convChannels: 2, embedding: 4 }), 0)
    assignWeights(weights, decodeTensors(last!.files['weights.bin']!, last!.files['weights.json']!))
    const audio = tf.randomUniform([3, 8, 500, 1], -0.5, 0.9, 'float32', 7) as tf.Tensor4D
    const lips = tf.randomUniform([3, 50, 92, 1], 0, 1, 'float32', 8) as tf.Tensor4D
    const pass = forwardPass(weights, { audio, lips })
    const session = await openOnnxSession(pkg.onnxPath)
    const feeds = { audio: { data: audio.dataSync() as Float32Array, shape: [3, 8, 500, 1] }, ...(model === 'unimodal' ? {} : { lips: { data: lips.dataSync() as Float32Array, shape: [3, 50, 92, 1] } }) }
    const out = await session.run(feeds)
    const mask = out.mask!.data as Float32Array
    const want = pass.e[pass.e.length - 1]!.dataSync()
    let worst = 0
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(mask[i]! - want[i]!))
    expect(worst).toBeLessThan(1e-4)
    // event_rates of example 0 = the mean event rate of each layer on that example alone
    const one = forwardPass(weights, { audio: tf.slice(audio, [0], [1]), lips: tf.slice(lips, [0], [1]) })
    const rates = meanRates(one).dataSync()
    const got = out.event_rates!.data as Float32Array
    expect(out.event_rates!.shape).toEqual([3, layers])
    for (let l = 0; l < layers; l++) expect(Math.abs(got[l]! - rates[l]!)).toBeLessThan(1e-4)
    await session.release()
    disposeNetWeights(weights)
    expect(existsSync(join(pkg.dir, 'model.onnx'))).toBe(true)
  }, 60_000)
})

export type { EnhanceTrainReport }
