import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { writeJsonAtomic } from '../../core/atomic-file'
import { seededRandom } from '../../compute/seeded-random'
import { defineJobKind, type JobContext, type JsonValue } from '../../core/jobs/kind'
import type { FeatureThreads } from '../features/feature-pool'
import type { EscLayer } from '../model'
import { aggregationSchema, partialReportFileName, reportFileName, type CrossValidationReport, type FoldResult } from './report'

export const soundTrainInput = z
  .object({
    /** A data set folder (UrbanSound8K, ESC-50, folder per class) or its metadata CSV. */
    dataset: z.string().min(1),
    /** A preset name (see main/sound/model/presets.ts); `dilated` is the paper's best. */
    preset: z.string().default('dilated'),
    /** Overrides of the preset's configuration (layers, dropout, padding, seed). */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Filters of each convolution in order, replacing the preset's (the paper gives none). */
    filters: z.array(z.number().int().min(1).max(2048)).min(1).optional(),
    /** Held-out folds to run (one model each); default every fold of the data set. */
    folds: z.array(z.number().int()).min(1).optional(),
    epochs: z.number().int().min(1).max(10_000).default(50),
    batchSize: z.number().int().min(1).max(4096).default(32),
    /** The paper: SGD, Nesterov momentum 0.9, learning rate 0.001. */
    learningRate: z.number().positive().max(1).default(0.001),
    /** Also validate on the fold after the held-out one (left out of training). */
    validation: z.boolean().default(false),
    aggregation: aggregationSchema.default('mean'),
    /**
     * Standardise each input channel with the mean and std of the training folds' segments (measured per
     * held-out fold, so the held-out fold never informs them). Not in the paper; without it SGD needs
     * hundreds of epochs on the raw dB values.
     */
    standardize: z.boolean().default(true),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Install the last fold's model as an ONNX package (models/esc-<preset>-<job>). */
    exportModel: z.boolean().default(true),
  })
  .strict()
export type SoundTrainInput = z.output<typeof soundTrainInput>

/** How much of the progress bar the features take; the folds share the rest. */
const featureShare = 0.15

/**
 * sound.train: the paper's protocol. Features (cached per data set and configuration; computed in
 * `featureThreads` when given, else in the job's own thread), then for each held-out fold one model
 * trained on the other folds only, checkpointed every epoch, evaluated on the held-out fold's clips
 * (segment probabilities averaged per clip, or a majority vote).
 */
export function soundTrainKind(featureThreads?: FeatureThreads) {
  return defineJobKind({
    kind: 'sound.train',
    inputSchema: soundTrainInput,
    concurrencyGroup: 'training',
    resumable: true,
    title: (input) => `${input.preset} cross-validation`,
    // The checkpoint's epoch counts across folds; a person thinks of the fold and its own epoch.
    describeCheckpoint: (state, input) => `held-out fold ${String(state.fold)}, epoch ${String(state.foldEpoch)} of ${input.epochs}`,
    async run(input, ctx) {
      return (await runCrossValidation(input, ctx, featureThreads)) as unknown as JsonValue
    },
  })
}

/** The config with its convolutions' filters replaced in order (the last count repeats). */
function withFilters<T extends { layers: EscLayer[] }>(layers: EscLayer[], filters: number[], config: T): T {
  let n = 0
  return { ...config, layers: layers.map((l) => (l.kind === 'conv' ? { ...l, filters: filters[Math.min(n++, filters.length - 1)]! } : l)) }
}

export async function runCrossValidation(input: SoundTrainInput, ctx: JobContext, featureThreads?: FeatureThreads): Promise<CrossValidationReport> {
  // Loaded here: the main thread imports this module for the kind's spec only.
  const tf = await import('@tensorflow/tfjs-core')
  const { initBackend } = await import('../../compute/backend')
  const { decodeTensors, encodeTensors } = await import('../../compute/tensor-files')
  const { loadSoundDataset, foldSplit } = await import('../dataset')
  const { ensureFeatures } = await import('../features/feature-cache')
  const { paperSegments } = await import('../features/segments')
  const { buildEscModel, presetConfig, parseEscModelConfig, PAPER_TRAINING } = await import('../model')
  const { channelStats, evaluateClips, segmentRows, trainFold } = await import('./train-fold')
  const { summarise } = await import('./report')
  const { installEscModel } = await import('./install-model')

  const backend = await initBackend()
  ctx.progress(0, 'reading the data set')
  const dataset = await loadSoundDataset(input.dataset)
  for (const problem of dataset.problems.slice(0, 50)) ctx.log('warn', `${problem.path ?? ''}${problem.line ? `:${problem.line}` : ''} ${problem.message}`)
  if (dataset.problems.length > 50) ctx.log('warn', `... and ${dataset.problems.length - 50} more problems`)
  const classIndex = new Map(dataset.classes.map((c, i) => [c.id, i]))
  const classNames = dataset.classes.map((c) => c.name)
  const folds = input.folds ?? dataset.folds
  for (const fold of folds) if (!dataset.folds.includes(fold)) throw new Error(`Fold ${fold} holds no clips; the data set's folds are ${dataset.folds.join(', ')}.`)
  ctx.log('info', `${dataset.name} (${dataset.layout}): ${dataset.clips.length} clips, ${classNames.length} classes, folds ${dataset.folds.join(', ')}; backend ${backend}`)

  const features = await ensureFeatures(
    dataset.clips.map((c) => ({ id: c.id, path: c.path, classId: classIndex.get(c.classId)!, fold: c.fold })),
    paperSegments,
    ctx.cacheDir,
    {
      signal: ctx.signal,
      threads: featureThreads,
      progress: (done, total, secondsLeft) => ctx.progress((featureShare * done) / total, `features ${done}/${total}`, secondsLeft),
    },
  )
  for (const problem of features.index.problems) ctx.log('warn', `left out ${problem.id}: ${problem.message}`)
  const byId = new Map(features.index.clips.map((c) => [c.id, c]))
  const base = { ...presetConfig(input.preset, classNames.length), ...(input.config ?? {}), classes: classNames.length }
  const config = parseEscModelConfig(input.filters ? withFilters(base.layers as EscLayer[], input.filters, base) : base)

  const reportOf = (): CrossValidationReport =>
    summarise({ input, dataset: { root: dataset.root, name: dataset.name, layout: dataset.layout, clips: dataset.clips.length }, classNames, config, results, featureProblems: features.index.problems.length, backend })
  const partialPath = join(ctx.runDir, partialReportFileName)

  const checkpoint = await ctx.checkpoint.load()
  const results: FoldResult[] = checkpoint ? (checkpoint.state.results as unknown as FoldResult[]) : []
  let model: import('@tensorflow/tfjs-layers').LayersModel | null = null
  for (const [foldIndex, testFold] of folds.entries()) {
    if (results.some((r) => r.fold === testFold)) continue
    const split = foldSplit(dataset, testFold, input.validation ? { validationFold: 'next' } : {})
    const pick = (clips: { id: string }[]) => clips.flatMap((c) => (byId.has(c.id) ? [byId.get(c.id)!] : []))
    const fold = { train: pick(split.train), validation: pick(split.validation), test: pick(split.test) }
    // Fold isolation, checked on what training will actually see.
    const testIds = new Set(fold.test.map((c) => c.id))
    if ([...fold.train, ...fold.validation].some((c) => testIds.has(c.id) || c.fold === testFold)) {
      throw new Error(`Internal error: a clip of held-out fold ${testFold} reached training.`)
    }
    const standardize = input.standardize ? channelStats(features, segmentRows(fold.train)) : undefined
    model?.dispose()
    // Each fold draws its own dropout masks, from the run's seed: a rerun of the same input repeats exactly.
    const dropoutSeed = Math.floor(seededRandom(input.seed * 1009 + testFold)() * 2 ** 31)
    model = buildEscModel(standardize ? { ...config, standardize } : config, { compile: false, dropoutSeed })
    const optimizer = tf.train.momentum(input.learningRate, PAPER_TRAINING.momentum, true)
    model.compile({ optimizer, loss: PAPER_TRAINING.loss, metrics: ['accuracy'] })
    let firstEpoch = 1
    if (checkpoint && checkpoint.state.fold === testFold) {
      model.setWeights(decodeTensors(checkpoint.files['model.bin']!, checkpoint.files['model.json']!))
      const slots = decodeTensors(checkpoint.files['optimizer.bin']!, checkpoint.files['optimizer.json']!)
      await optimizer.setWeights(slots.map((tensor, i) => ({ name: `t${i}`, tensor })))
      firstEpoch = Number(checkpoint.state.foldEpoch) + 1
      ctx.log('info', `fold ${testFold}: resuming after epoch ${firstEpoch - 1}`)
    }
    ctx.log('info', `fold ${testFold}: training on folds ${split.trainFolds.join(', ')} (${fold.train.length} clips), testing on ${fold.test.length} clips`)
    const share = (1 - featureShare) / folds.length
    const history = await trainFold(features, fold, {
      model,
      classes: classNames.length,
      epochs: input.epochs,
      batchSize: input.batchSize,
      seed: input.seed + testFold,
      aggregation: input.aggregation,
      firstEpoch,
      signal: ctx.signal,
      onBatch: (epoch, batch, batches) =>
        ctx.progress(featureShare + share * (foldIndex + (epoch - 1 + batch / batches) / input.epochs), `fold ${testFold}: epoch ${epoch}/${input.epochs}`),
      onEpoch: async (summary) => {
        const step = foldIndex * input.epochs + summary.epoch
        ctx.metric({ epoch: step, name: `fold${testFold}.loss`, value: summary.loss })
        ctx.metric({ epoch: step, name: `fold${testFold}.accuracy`, value: summary.accuracy })
        if (summary.validationAccuracy !== null) ctx.metric({ epoch: step, name: `fold${testFold}.validation_accuracy`, value: summary.validationAccuracy })
        const weights = await encodeTensors(model!.getWeights())
        const slots = await encodeTensors((await optimizer.getWeights()).map((w) => w.tensor))
        await ctx.checkpoint.save(
          { epoch: step, fold: testFold, foldEpoch: summary.epoch, results: results as unknown as JsonValue },
          { 'model.bin': weights.bin, 'model.json': weights.json, 'optimizer.bin': slots.bin, 'optimizer.json': slots.json },
        )
      },
    })
    const test = evaluateClips(model, features, fold.test, classNames.length, input.aggregation)
    const last = history[history.length - 1]
    results.push({
      fold: testFold,
      trainFolds: split.trainFolds,
      trainClips: fold.train.length,
      validationClips: fold.validation.length,
      testClips: fold.test.length,
      accuracy: test.accuracy,
      perClass: test.perClass,
      confusion: test.confusion,
      finalLoss: last?.loss ?? null,
      validationAccuracy: last?.validationAccuracy ?? null,
      ...(standardize ? { standardize } : {}),
    })
    // A long run shows its finished folds before it ends (the Training tab, sound.trainingReport); written before
    // the fold is counted done, so a reader that sees the count also finds the report.
    if (results.length < folds.length) await writeJsonAtomic(partialPath, { ...reportOf(), partial: { folds: [...folds] } })
    ctx.metric({ epoch: (foldIndex + 1) * input.epochs, name: 'test_accuracy', value: test.accuracy })
    ctx.log('info', `fold ${testFold}: clip accuracy ${(100 * test.accuracy).toFixed(1)}% on ${fold.test.length} clips`)
  }
  const report = reportOf()
  await writeJsonAtomic(join(ctx.runDir, reportFileName), report)
  await rm(partialPath, { force: true })
  if (input.exportModel && model) report.modelId = await installEscModel(model, report, ctx)
  model?.dispose()
  return report
}
