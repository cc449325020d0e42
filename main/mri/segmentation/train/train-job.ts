/**
 * mri.train: one training run of paper 003's protocol (section 2.4 and 3.1) as a resumable job.
 *
 * The dataset (a folder of pairs, images/ + labels/, or a CSV; dataset.ts) is split 60/10/30 by one of five
 * shuffled splits (splits.ts); every subject is put on the model grid as inference does (training-data.ts); the
 * network of Fig. 2 (network.ts) in the chosen kernel mode trains with Nadam on the chosen loss, images augmented
 * (augment.ts). After every epoch: the loss and the validation Dice per structure as metrics, and a checkpoint
 * (weights, Nadam's state, the best epoch's weights so far, the history), from which an interrupted run resumes
 * exactly. The best epoch (validation mean Dice) is then scored on the test part, exported to ONNX and installed
 * as an 'mri-segmentation' package (install-model.ts).
 *
 * What the paper fixes: Nadam, the augmentation, the splits, best epoch by validation. What it leaves open and we
 * chose (CPU, not two V100s): the cube edge (64 by default, the paper 128) with the whole head in view (192 mm:
 * spacingMm = 192 / size, 3 mm at 64), our channel plan (base 8, network.ts's OUR_PLAN), batch 1 (paper 2),
 * 50 epochs by default (paper 300), z-scored intensities (preprocess.ts, nnU-Net's MRI scheme).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { defineJobKind, type JobContext, type JsonValue } from '../../../core/jobs/kind'
import { KERNEL_MODES, OUR_PLAN, type NetworkOptions } from '../network'
import { LOSS_KINDS } from '../losses'
import type { EpochRecord, TrainingReport } from './training-report'

/** The field of view of the model's cube, mm: a whole head (about 180 x 220 x 200 mm with the neck cut) fits with its brain. */
export const FIELD_OF_VIEW_MM = 192
export const MRI_TRAIN_KIND = 'mri.train'

export const mriTrainInput = z
  .object({
    /** A folder of <id>_t1 / <id>_labels pairs, images/ + labels/, or a CSV with columns image,labels. */
    dataset: z.string().min(1),
    mode: z.enum(KERNEL_MODES).default('mixed'),
    loss: z.enum(LOSS_KINDS).default('pcc'),
    /** Nadam's learning rate; the paper's sweep runs 1e-4 .. 1e-2, all losses do well at 1e-3. */
    lr: z.number().positive().max(1).default(1e-3),
    /** Edge of the model's cube, voxels; a multiple of 2^levels (16 for four levels). */
    size: z.number().int().min(8).max(256).default(64),
    /** Voxel size of the model grid, mm (isotropic); default FIELD_OF_VIEW_MM / size. */
    spacingMm: z.number().positive().max(20).optional(),
    epochs: z.number().int().min(1).max(10_000).default(50),
    /** Which of the five shuffled 60/10/30 splits. */
    split: z.number().int().min(0).max(4).default(0),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    batchSize: z.number().int().min(1).max(64).default(1),
    /** Channel plan: channels of the finest level (a multiple of 4, the normalisation groups). */
    baseFilters: z.number().int().min(4).max(256).default(OUR_PLAN.baseFilters),
    /** Spatial convolutions per residual block, finest level first; the paper's four levels by default. */
    blocks: z.array(z.number().int().min(1).max(8)).min(1).max(6).default([...OUR_PLAN.blocks]),
    /** Spatial dropout after each residual block. */
    dropout: z.number().min(0).max(0.9).default(0.1),
    augment: z.boolean().default(true),
    /** Export and install the best model as a package. */
    install: z.boolean().default(true),
  })
  .strict()
export type MriTrainInput = z.output<typeof mriTrainInput>

export const mriTrainKind = defineJobKind({
  kind: MRI_TRAIN_KIND,
  inputSchema: mriTrainInput,
  concurrencyGroup: 'training',
  resumable: true,
  title: (input) => `${input.mode} / ${input.loss} / lr ${input.lr}`,
  describeCheckpoint: (state, input) => `epoch ${String(state.epoch)} of ${input.epochs}`,
  async run(input, ctx) {
    return (await runMriTraining(input, ctx)) as unknown as JsonValue
  },
})

export function spacingOf(input: Pick<MriTrainInput, 'size' | 'spacingMm'>): number {
  return input.spacingMm ?? Math.round((FIELD_OF_VIEW_MM / input.size) * 1000) / 1000
}

export function networkOptions(input: MriTrainInput, labelCount: number): NetworkOptions {
  return {
    mode: input.mode,
    plan: { baseFilters: input.baseFilters, blocks: input.blocks, labels: labelCount, inputChannels: 1, inputDownsample: true },
    inputSize: input.size,
    dropout: input.dropout,
    seed: input.seed,
  }
}

/** A cohort written by `percept mri cohort` (its cohort.json beside the folder or above it) is synthetic. */
function isSyntheticCohort(root: string): boolean {
  for (const path of [join(root, 'cohort.json'), join(dirname(root), 'cohort.json')]) {
    if (!existsSync(path)) continue
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as { format?: string }).format === 'percept-mri-cohort'
    } catch {
      return false
    }
  }
  return false
}

/**
 * The backend to train on: the fastest (initBackend), unless it is wasm with tfjs-backend-wasm 4.22's MaxPool3D,
 * which starts every window's maximum at FLT_MIN (1.2e-38, the smallest positive float) instead of -infinity, so
 * a window of negative values yields 1.2e-38: the network's max pooling (after ELU, often all negative) would
 * train as max(0, pool) and the exported ONNX model, pooling correctly, would not match it. Probed on a window of
 * -1s; where it fails, training runs on the cpu backend (correct, slower) until main/compute/wasm-kernels
 * replaces that kernel, after which the probe passes and wasm is used again.
 */
async function trainingBackend(ctx: Pick<JobContext, 'log'>): Promise<string> {
  const tf = await import('@tensorflow/tfjs-core')
  const { initBackend, useBackend } = await import('../../../compute/backend')
  const backend = await initBackend()
  if (backend !== 'wasm') return backend
  const pooled = tf.tidy(() => tf.maxPool3d(tf.fill([1, 2, 2, 2, 1], -1) as import('@tensorflow/tfjs-core').Tensor5D, 2, 2, 'valid').dataSync()[0])
  if (pooled === -1) return backend
  ctx.log('warn', `the wasm backend's MaxPool3D gives ${pooled} for a window of -1s (tfjs-backend-wasm 4.22 starts the maximum at FLT_MIN); training on the cpu backend instead`)
  await useBackend('cpu')
  return 'cpu'
}

/** Share of the progress bar reading and preparing the subjects takes. */
const PREPARE_SHARE = 0.05
const TRAIN_SHARE = 0.9

export async function runMriTraining(input: MriTrainInput, ctx: JobContext): Promise<TrainingReport> {
  // Loaded here: the main thread imports this module for the kind's spec only.
  const tf = await import('@tensorflow/tfjs-core')
  const { decodeTensors, encodeTensors } = await import('../../../compute/tensor-files')
  const { NadamOptimizer } = await import('../../../compute/optimizers/nadam')
  const { readSegmentationDataset } = await import('../dataset')
  const { lossFunction } = await import('../losses')
  const { buildSegmentationNetwork } = await import('../network')
  const { datasetLabelNames, prepareSubject, trainingSpec } = await import('./training-data')
  const { datasetSplit } = await import('./splits')
  const { PAPER_AUGMENTATION } = await import('./augment')
  const { trainEpochs } = await import('./train-loop')
  const { evaluateSubjects } = await import('./evaluate')
  const { installSegmentationModel } = await import('./install-model')

  const backend = await trainingBackend(ctx)
  ctx.progress(0, 'reading the dataset')
  const dataset = await readSegmentationDataset(input.dataset)
  for (const problem of dataset.problems.slice(0, 50)) ctx.log('warn', `left out ${problem.file}: ${problem.message}`)
  const labels = await datasetLabelNames(dataset)
  const split = datasetSplit(dataset.pairs.map((p) => p.id), input.split, input.seed)
  const spacing = spacingOf(input)
  const spec = trainingSpec({ size: input.size, spacingMm: [spacing, spacing, spacing], orientation: 'RAS', intensity: 'zscore' }, labels)
  const options = networkOptions(input, labels.length)
  // The network refuses a size or plan it cannot hold before any volume is read.
  const model = buildSegmentationNetwork(options)
  ctx.log('info', `${dataset.pairs.length} subjects (${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test, split ${input.split}); ${labels.length - 1} structures; ${input.mode} kernels, ${model.countParams()} parameters; ${input.size}^3 at ${spacing} mm; backend ${backend}`)

  const byId = new Map(dataset.pairs.map((p) => [p.id, p]))
  const prepared = new Map<string, Awaited<ReturnType<typeof prepareSubject>>>()
  const all = [...split.train, ...split.validation, ...split.test]
  for (const [i, id] of all.entries()) {
    ctx.signal.throwIfAborted()
    prepared.set(id, await prepareSubject(byId.get(id)!, spec))
    ctx.progress((PREPARE_SHARE * (i + 1)) / all.length, `preparing ${i + 1}/${all.length}`)
  }
  const subjects = (ids: string[]) => ids.map((id) => prepared.get(id)!)

  const optimizer = new NadamOptimizer({ learningRate: input.lr })
  const checkpoint = await ctx.checkpoint.load()
  let history: EpochRecord[] = []
  let best: { epoch: number; dice: number | null; weights: import('@tensorflow/tfjs-core').Tensor[] } | null = null
  let firstEpoch = 1
  if (checkpoint) {
    model.setWeights(decodeTensors(checkpoint.files['model.bin']!, checkpoint.files['model.json']!))
    const slots = decodeTensors(checkpoint.files['optimizer.bin']!, checkpoint.files['optimizer.json']!)
    await optimizer.setWeights(slots.map((tensor, i) => ({ name: i === 0 ? 'iter' : `slot${i}`, tensor })))
    history = checkpoint.state.history as unknown as EpochRecord[]
    const bestDice = checkpoint.state.bestDice
    best = { epoch: Number(checkpoint.state.bestEpoch), dice: typeof bestDice === 'number' ? bestDice : null, weights: decodeTensors(checkpoint.files['best.bin']!, checkpoint.files['best.json']!) }
    firstEpoch = checkpoint.state.epoch + 1
    ctx.log('info', `resuming after epoch ${checkpoint.state.epoch}`)
  }

  const stepSeconds: number[] = []
  let stepStarted = performance.now()
  await trainEpochs({
    model,
    optimizer,
    loss: lossFunction(input.loss),
    labelCount: labels.length,
    size: input.size,
    train: subjects(split.train),
    validation: subjects(split.validation),
    epochs: input.epochs,
    firstEpoch,
    batchSize: input.batchSize,
    seed: input.seed,
    augment: input.augment ? PAPER_AUGMENTATION : null,
    signal: ctx.signal,
    onStep: (epoch, batch, batches, loss) => {
      const now = performance.now()
      stepSeconds.push((now - stepStarted) / 1000)
      stepStarted = now
      ctx.progress(PREPARE_SHARE + (TRAIN_SHARE * (epoch - 1 + batch / batches)) / input.epochs, `epoch ${epoch}/${input.epochs}, step ${batch}/${batches}, loss ${loss.toFixed(4)}`)
    },
    onEpoch: async (summary) => {
      const record: EpochRecord = { epoch: summary.epoch, loss: summary.loss, validationDice: summary.validation.perStructure, validationMeanDice: summary.validation.mean, seconds: summary.seconds }
      history.push(record)
      ctx.metric({ epoch: summary.epoch, name: 'loss', value: summary.loss })
      if (summary.validation.mean !== null) ctx.metric({ epoch: summary.epoch, name: 'validation_dice', value: summary.validation.mean })
      summary.validation.perStructure.forEach((dice, i) => {
        if (dice !== null) ctx.metric({ epoch: summary.epoch, name: `validation_dice.${labels[i + 1]}`, value: dice })
      })
      const score = summary.validation.mean ?? -1
      if (!best || score > (best.dice ?? -1)) {
        if (best) tf.dispose(best.weights)
        best = { epoch: summary.epoch, dice: summary.validation.mean, weights: model.getWeights().map((w) => w.clone()) }
      }
      const weights = await encodeTensors(model.getWeights())
      const slots = await encodeTensors((await optimizer.getWeights()).map((w) => w.tensor))
      const bestWeights = await encodeTensors(best.weights)
      await ctx.checkpoint.save(
        { epoch: summary.epoch, bestEpoch: best.epoch, bestDice: best.dice, history: history as unknown as JsonValue },
        { 'model.bin': weights.bin, 'model.json': weights.json, 'optimizer.bin': slots.bin, 'optimizer.json': slots.json, 'best.bin': bestWeights.bin, 'best.json': bestWeights.json },
      )
      stepStarted = performance.now() // the validation and the checkpoint are not a step
    },
  })
  optimizer.dispose()

  const chosen = best as { epoch: number; dice: number | null; weights: import('@tensorflow/tfjs-core').Tensor[] } | null
  if (!chosen) throw new Error('Internal error: training ended without an epoch.')
  model.setWeights(chosen.weights)
  tf.dispose(chosen.weights)
  ctx.progress(PREPARE_SHARE + TRAIN_SHARE, `testing epoch ${chosen.epoch} on ${split.test.length} subject(s)`)
  const test = evaluateSubjects(model, subjects(split.test), input.size, labels.length)
  const report: TrainingReport = {
    job: ctx.jobId,
    mode: input.mode,
    loss: input.loss,
    learningRate: input.lr,
    size: input.size,
    spacingMm: [spacing, spacing, spacing],
    baseFilters: input.baseFilters,
    blocks: [...input.blocks],
    parameters: model.countParams(),
    batchSize: input.batchSize,
    epochs: input.epochs,
    seed: input.seed,
    split: { index: input.split, train: split.train, validation: split.validation, test: split.test },
    dataset: { root: dataset.root, layout: dataset.layout, subjects: dataset.pairs.length, leftOut: dataset.problems.length, synthetic: isSyntheticCohort(dataset.root) },
    labels,
    history,
    bestEpoch: chosen.epoch,
    validationMeanDice: chosen.dice,
    test: { dice: test.perStructure, meanDice: test.mean, subjects: split.test.length },
    secondsPerStep: stepSeconds.length ? stepSeconds.reduce((a, b) => a + b, 0) / stepSeconds.length : 0,
    backend,
    modelId: null,
  }
  if (input.install) {
    ctx.progress(0.97, 'exporting and installing the model')
    report.modelId = await installSegmentationModel(model, report, ctx)
  }
  model.dispose()
  ctx.progress(1, 'done')
  return report
}
