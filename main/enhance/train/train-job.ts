import { z } from 'zod'
import { defineJobKind, type JobContext, type JsonValue } from '../../core/jobs/kind'
import { PAPER_SNRS_DB } from '../mixture'
import type { MaskCounts } from './measures'

/*
 * enhance.train: one of the paper's three models trained on one split of an audio-visual corpus
 * (corpus/splits.ts: 80 / 15 / 5 train / test / proxy, split k of 4 from the seed), an epoch at a time:
 * the training part streamed in shuffled batches (examples.ts), then the proxy part measured (the paper's
 * model-selection set; the test part is left to `percept enhance eval`). Each epoch reports loss, F1,
 * accuracy and per-layer firing rates (measures.ts) and writes a checkpoint (weights, MBURST's feedback
 * weights, Adam's moments, the history), from which a resumed run goes on. At the end the network is
 * exported to ONNX and installed as a speech-enhancement package (install-model.ts).
 */

export const enhanceTrainInput = z
  .object({
    /** The corpus folder (the fixture's layout or GRID's, with noise/). */
    dataset: z.string().min(1),
    model: z.enum(['unimodal', 'multimodal', 'mburst']),
    /** The paper: 40. */
    epochs: z.number().int().min(1).max(1000).default(40),
    /** Seeds the split, the weights and the batch order: the same seed repeats a run. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Which of the paper's 4 splits. */
    split: z.number().int().min(0).max(3).default(0),
    /** Not in the paper. */
    batchSize: z.number().int().min(1).max(1024).default(32),
    /** Smaller networks for trials and tests (the paper: 32 and 256). */
    convChannels: z.number().int().min(1).max(256).optional(),
    embedding: z.number().int().min(1).max(4096).optional(),
    /** The paper's -12, -6, 0 and 6 dB. */
    snrsDb: z.array(z.number().min(-40).max(40)).min(1).max(16).optional(),
    exportModel: z.boolean().default(true),
  })
  .strict()
export type EnhanceTrainInput = z.output<typeof enhanceTrainInput>

export interface PartEpoch {
  loss: number
  f1: number
  accuracy: number
  counts: MaskCounts
  examples: number
  /** Per layer, in `layers` order. */
  eventRates: number[]
  burstProbabilities: number[] | null
  burstRates: number[] | null
}

export interface EpochRecord {
  epoch: number
  train: PartEpoch
  proxy: PartEpoch | null
}

export interface EnhanceTrainReport {
  model: 'unimodal' | 'multimodal' | 'mburst'
  dataset: string
  synthetic: boolean
  split: number
  seed: number
  epochs: number
  batchSize: number
  snrsDb: number[]
  architecture: { convChannels: number; embedding: number }
  parameters: { total: number; feedback: number; layers: { name: string; weights: number; biases: number; feedback: number }[] }
  layers: string[]
  positiveWeight: number
  mixtures: { train: number; test: number; proxy: number }
  history: EpochRecord[]
  /** Table II: area under each layer's event-rate curve over the epochs, and the network's (mean of the layers). */
  firingRateArea: { train: Record<string, number>; proxy: Record<string, number> | null }
  backend: string
  modelId: string | null
  notes: string[]
}

export const enhanceTrainKind = defineJobKind({
  kind: 'enhance.train',
  inputSchema: enhanceTrainInput,
  concurrencyGroup: 'training',
  resumable: true,
  title: (input) => `${input.model} speech enhancement, split ${input.split}`,
  async run(input, ctx) {
    return (await runEnhanceTraining(input, ctx)) as unknown as JsonValue
  },
})

export async function runEnhanceTraining(input: EnhanceTrainInput, ctx: JobContext): Promise<EnhanceTrainReport> {
  // Loaded here: the main thread imports this module for the kind's spec only.
  const { initBackend } = await import('../../compute/backend')
  const { decodeTensors, encodeTensors } = await import('../../compute/tensor-files')
  const { PerceptError } = await import('../../core/errors')
  const { loadCorpus } = await import('../corpus/dataset')
  const { splitCorpus, PAPER_SPLIT_COUNT } = await import('../corpus/splits')
  const { assignWeights, disposeNetWeights, enhanceNetConfig, initNetWeights, isMultimodal, parameterCounts, weightList } = await import('../model/enhance-net')
  const { positiveWeight: weightOf } = await import('../model/weighted-bce')
  const { countTargets, exampleBatches, MixtureReader } = await import('./examples')
  const { addCounts, areaUnderCurve, emptyCounts, f1Score, maskAccuracy, meanOf } = await import('./measures')
  const { backpropStep, burstTrainStep, measureBatch, paperAdam } = await import('./train-step')
  const { installEnhanceModel } = await import('./install-model')

  const backend = await initBackend()
  const config = enhanceNetConfig(input.model, { convChannels: input.convChannels, embedding: input.embedding })
  const withLips = isMultimodal(config.model)
  const snrsDb = input.snrsDb ?? [...PAPER_SNRS_DB]
  ctx.progress(0, 'reading the corpus')
  const corpus = await loadCorpus(input.dataset)
  for (const p of corpus.problems.slice(0, 30)) ctx.log(p.severity === 'error' ? 'warn' : 'info', `${p.file}: ${p.problem}`)
  const split = splitCorpus(corpus.items, corpus.noises, { seed: input.seed, splits: PAPER_SPLIT_COUNT, snrsDb })[input.split]!
  const parts = split.mixtures
  if (parts.train.length === 0) {
    throw new PerceptError('VALIDATION', `Split ${input.split} of ${input.dataset} leaves no utterance for training (${corpus.items.length} usable utterances); the corpus needs at least 3.`)
  }
  ctx.log('info', `${input.model}: ${split.utterances.train.length} train, ${split.utterances.test.length} test, ${split.utterances.proxy.length} proxy utterances; ${parts.train.length} training mixtures; backend ${backend}`)

  const checkpoint = await ctx.checkpoint.load()
  let positiveWeight: number
  if (checkpoint) positiveWeight = Number(checkpoint.state.positiveWeight)
  else {
    ctx.progress(0, 'counting the mask ones of the training part')
    const counted = await countTargets(parts.train)
    positiveWeight = weightOf(counted.positives, counted.negatives)
    ctx.log('info', `weighted BCE: ${counted.positives} ones and ${counted.negatives} zeros in the training masks, positive weight ${positiveWeight.toFixed(4)}`)
  }

  const weights = initNetWeights(config, input.seed)
  const optimizer = paperAdam()
  let history: EpochRecord[] = []
  if (checkpoint) {
    assignWeights(weights, decodeTensors(checkpoint.files['weights.bin']!, checkpoint.files['weights.json']!))
    const slots = decodeTensors(checkpoint.files['optimizer.bin']!, checkpoint.files['optimizer.json']!)
    await optimizer.setWeights(slots.map((tensor, i) => ({ name: `t${i}`, tensor })))
    history = checkpoint.state.history as unknown as EpochRecord[]
    ctx.log('info', `resuming after epoch ${checkpoint.state.epoch}`)
  }
  const reader = new MixtureReader(withLips)
  const layers = weights.geometry.layers.map((l) => l.name)

  const summarise = (sums: { loss: number; n: number; counts: MaskCounts; rates: number[]; p: number[] | null; b: number[] | null }): PartEpoch => ({
    loss: sums.n ? sums.loss / sums.n : 0,
    f1: f1Score(sums.counts),
    accuracy: maskAccuracy(sums.counts),
    counts: sums.counts,
    examples: sums.n,
    eventRates: sums.rates.map((r) => (sums.n ? r / sums.n : 0)),
    burstProbabilities: sums.p?.map((r) => (sums.n ? r / sums.n : 0)) ?? null,
    burstRates: sums.b?.map((r) => (sums.n ? r / sums.n : 0)) ?? null,
  })
  const newSums = () => ({ loss: 0, n: 0, counts: emptyCounts(), rates: layers.map(() => 0), p: null as number[] | null, b: null as number[] | null })
  const add = (sums: ReturnType<typeof newSums>, size: number, r: { loss: number; counts: MaskCounts; eventRates: number[]; burstProbabilities: number[] | null; burstRates: number[] | null }) => {
    sums.loss += r.loss * size
    sums.n += size
    addCounts(sums.counts, r.counts)
    r.eventRates.forEach((v, i) => (sums.rates[i]! += v * size))
    if (r.burstProbabilities) {
      sums.p ??= layers.map(() => 0)
      r.burstProbabilities.forEach((v, i) => (sums.p![i]! += v * size))
    }
    if (r.burstRates) {
      sums.b ??= layers.map(() => 0)
      r.burstRates.forEach((v, i) => (sums.b![i]! += v * size))
    }
  }

  const trainExamples = history[0]?.train.examples ?? null
  for (let epoch = history.length + 1; epoch <= input.epochs; epoch++) {
    const train = newSums()
    for await (const batch of exampleBatches(parts.train, reader, input.batchSize, input.seed * 1_000_003 + epoch)) {
      ctx.signal.throwIfAborted()
      const step = input.model === 'mburst' ? await burstTrainStep(weights, optimizer, batch, positiveWeight) : await backpropStep(weights, optimizer, batch, positiveWeight, withLips)
      if (!Number.isFinite(step.loss)) throw new PerceptError('INTERNAL', `The training loss became ${step.loss} at epoch ${epoch}; lower the learning rate or check the inputs.`)
      add(train, batch.size, step)
      const fraction = trainExamples ? Math.min(1, train.n / trainExamples) : 0.5
      ctx.progress((epoch - 1 + 0.9 * fraction) / input.epochs, `epoch ${epoch}/${input.epochs}: training`)
    }
    let proxy: PartEpoch | null = null
    if (parts.proxy.length > 0) {
      ctx.progress((epoch - 0.1) / input.epochs, `epoch ${epoch}/${input.epochs}: proxy`)
      const sums = newSums()
      for await (const batch of exampleBatches(parts.proxy, reader, Math.max(input.batchSize, 64))) {
        ctx.signal.throwIfAborted()
        add(sums, batch.size, await measureBatch(weights, batch, positiveWeight, withLips))
      }
      proxy = summarise(sums)
    }
    const record: EpochRecord = { epoch, train: summarise(train), proxy }
    history.push(record)
    for (const [part, m] of [['train', record.train], ['proxy', record.proxy]] as const) {
      if (!m) continue
      ctx.metric({ epoch, name: `${part}.loss`, value: m.loss })
      ctx.metric({ epoch, name: `${part}.f1`, value: m.f1 })
      ctx.metric({ epoch, name: `${part}.accuracy`, value: m.accuracy })
      m.eventRates.forEach((r, i) => ctx.metric({ epoch, name: `${part}.rate.${layers[i]}`, value: r }))
      ctx.metric({ epoch, name: `${part}.rate.network`, value: meanOf(m.eventRates) })
      m.burstRates?.forEach((r, i) => ctx.metric({ epoch, name: `${part}.burst.${layers[i]}`, value: r }))
    }
    ctx.log('info', `epoch ${epoch}: train loss ${record.train.loss.toFixed(4)}, F1 ${record.train.f1.toFixed(3)}, accuracy ${(100 * record.train.accuracy).toFixed(1)}%` + (proxy ? `; proxy F1 ${proxy.f1.toFixed(3)}` : ''))
    const saved = await encodeTensors(weightList(weights))
    const slots = await encodeTensors((await optimizer.getWeights()).map((w) => w.tensor))
    await ctx.checkpoint.save(
      { epoch, positiveWeight, history: history as unknown as JsonValue },
      { 'weights.bin': saved.bin, 'weights.json': saved.json, 'optimizer.bin': slots.bin, 'optimizer.json': slots.json },
    )
  }

  const area = (pick: (r: EpochRecord) => PartEpoch | null): Record<string, number> | null => {
    const points = history.map(pick)
    if (points.some((p) => p === null)) return null
    const out: Record<string, number> = {}
    layers.forEach((name, i) => (out[name] = areaUnderCurve(points.map((p) => p!.eventRates[i]!))))
    out.network = areaUnderCurve(points.map((p) => meanOf(p!.eventRates)))
    return out
  }
  const counts = parameterCounts(config)
  const report: EnhanceTrainReport = {
    model: config.model,
    dataset: corpus.root,
    synthetic: corpus.synthetic,
    split: input.split,
    seed: input.seed,
    epochs: input.epochs,
    batchSize: input.batchSize,
    snrsDb,
    architecture: { convChannels: config.convChannels, embedding: config.embedding },
    parameters: counts,
    layers,
    positiveWeight,
    mixtures: { train: parts.train.length, test: parts.test.length, proxy: parts.proxy.length },
    history,
    firingRateArea: { train: area((r) => r.train)!, proxy: area((r) => r.proxy) },
    backend,
    modelId: null,
    notes: [...reader.notes],
  }
  if (input.exportModel) report.modelId = await installEnhanceModel(weights, report, ctx)
  disposeNetWeights(weights)
  optimizer.dispose()
  return report
}
