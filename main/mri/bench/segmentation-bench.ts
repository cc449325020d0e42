/**
 * The segmentation figures of `percept bench mri` (issue 13): a training step per kernel mode, ONNX inference of
 * a large cube, and a 1 mm head segmented end to end as `percept mri segment` does it.
 *
 * - Training step: the network of Fig. 2 at our channel plan (network.ts's OUR_PLAN: base 8, blocks 2, 3, 3, 3,
 *   20 outputs), batch 1, the PCC loss, Nadam, one optimizer step as train-loop.ts takes it (forward in training
 *   mode, loss, gradients, update, the loss read back), on the TF.js backend training uses here.
 * - Inference: a freshly initialised mixed network at our plan, exported with the project's ONNX exporter (the Gabor
 *   layers as materialised 7^3 weights) and run by onnxruntime-node's CPU provider on every core; timing does not
 *   depend on the weights.
 * - End to end: mricron-data's ch2 (the whole head at 1 mm) through segmentation/segment.ts's segmentFile (read,
 *   checks, preprocess, ONNX, argmax, back to the native grid, label statistics, the label map and its colour
 *   table written), with the bundled segmentation model, or one of its shape (64^3, base 4, mixed) made here when
 *   none is bundled. The first run opens the model too (what a person waits for); then the median of the runs
 *   with the model open.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { ModelMeta } from '../../api/models'
import { initBackend } from '../../compute/backend'
import { setDropoutStep } from '../../compute/layers'
import { readModelPackage, writeModelPackage } from '../../compute/model-package'
import { defaultIntraOpThreads, exportToOnnxWithSignature, openOnnxSession } from '../../compute/onnx'
import { NadamOptimizer } from '../../compute/optimizers/nadam'
import { median } from '../../core/bench-timing'
import { makePhantom } from '../../imaging/fixtures/phantom'
import { writeNifti } from '../../imaging/nifti'
import { STRUCTURES } from '../segmentation/cohort/structures'
import { pccLoss } from '../segmentation/losses'
import { buildSegmentationNetwork, KERNEL_MODES, OUR_PLAN, type ChannelPlan, type KernelMode } from '../segmentation/network'
import { segmentFile } from '../segmentation/segment'
import { openSegmentationModel, resolveSegmentationModel } from '../segmentation/segmentation-model'
import { FIELD_OF_VIEW_MM } from '../segmentation/train/train-job'
import type { TorchSegmentationReference } from './torch-reference'

/** The bundled model's shape (models/mri/gabor-mixed-fixture): what the end-to-end figure stands for. */
export const BUNDLED_MODEL_SHAPE = { size: 64, baseFilters: 4, mode: 'mixed' as KernelMode }
/** The 19 structures and the background, as the bundled model names its outputs. */
export const STRUCTURE_LABELS = ['Background', ...STRUCTURES.map((s) => s.name)]

export interface TrainStepFigures {
  /** Edge of the cubic input. */
  size: number
  plan: { baseFilters: number; blocks: number[]; labels: number; batch: 1; loss: 'pcc'; optimizer: 'nadam' }
  /** Median ms of one optimizer step per kernel mode. */
  ms: Record<KernelMode, number>
  /** Trainable parameters per kernel mode (TF.js's count). */
  parameters: Record<KernelMode, number>
  /** The loss of the last step timed, per mode (finite, between 0 and 1: a sanity check, not a figure). */
  loss: Record<KernelMode, number>
}

export interface InferenceFigures {
  size: number
  mode: KernelMode
  /** onnxruntime's intra-op threads. */
  threads: number
  /** Median ms of one run of the whole cube. */
  ms: number
  onnx_mb: number
}

export interface EndToEndFigures {
  /** What was segmented: ch2, or a phantom on ch2's grid where mricron-data is not installed. */
  input: string
  dims: [number, number, number]
  voxel_mm: [number, number, number]
  /** The model's id; `made` when it was made here with the bundled model's shape (untrained). */
  model: { id: string; made: boolean; patch: [number, number, number]; labels: number }
  /** The first run, the model opened too: what a person waits for, s. */
  first_s: number
  /** Median of the runs after it, the model open (segmentFile's own seconds: read to last file written), s. */
  median_s: number
  /** Structures with voxels in the label map (an untrained model labels few). */
  labelled_structures: number
}

/**
 * PyTorch beside us, while it answers: its times per task, our time over its time (the median of the rounds'
 * ratios: a round is one repetition of ours, then one of PyTorch's), and its parameter counts. A failure stops
 * the comparison (the note says why) but not the benchmark.
 */
export class TorchSide {
  readonly train_step_ms: Partial<Record<KernelMode, number>> = {}
  readonly train_step_ratio: Partial<Record<KernelMode, number>> = {}
  readonly parameters: Partial<Record<KernelMode, number>> = {}
  infer_ms: number | null = null
  infer_ratio: number | null = null
  note: string | null = null

  constructor(public reference: TorchSegmentationReference | null, note: string | null = null) {
    this.note = note
  }

  fail(error: unknown): void {
    this.note = `the PyTorch reference failed: ${(error as Error).message}`
    this.reference?.close()
    this.reference = null
  }
}

/**
 * `warmup` runs of ours and of PyTorch's, then `measured` rounds of one each; ours: the median of our times,
 * theirs: the median of PyTorch's and the median of the rounds' ratios (null when PyTorch is not there or fails).
 */
async function interleaved(
  reps: { warmup: number; measured: number },
  ours: () => unknown,
  torch: TorchSide,
  theirs: ((reps: number) => Promise<number[]>) | null,
): Promise<{ ours: number; theirs: { ms: number; ratio: number } | null }> {
  const timeOurs = async () => {
    const started = performance.now()
    await ours()
    return performance.now() - started
  }
  const guarded = async (reps: number): Promise<number[] | null> => {
    if (!theirs || !torch.reference) return null
    try {
      return await theirs(reps)
    } catch (error) {
      torch.fail(error)
      return null
    }
  }
  for (let i = 0; i < reps.warmup; i++) await timeOurs()
  if (reps.warmup > 0) await guarded(reps.warmup)
  const a: number[] = []
  const b: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < reps.measured; i++) {
    const mine = await timeOurs()
    a.push(mine)
    const other = (await guarded(1))?.[0]
    if (other !== undefined) {
      b.push(other)
      ratios.push(mine / other)
    }
  }
  const complete = b.length === reps.measured && torch.reference !== null
  return { ours: median(a), theirs: complete ? { ms: median(b), ratio: median(ratios) } : null }
}

export interface SegmentationBenchOptions {
  quick: boolean
  reps: { warmup: number; measured: number }
  /** Scratch folder (written into, not cleaned). */
  dir: string
  /** mricron-data's templates folder. */
  templates: string
  /** The app's bundled models folder (models/), or null. */
  bundledDir: string | null
  log: (line: string) => void
}

/** Sizes: the issue's, or the smallest the network takes (four levels and the input downsampling: 16) with --quick. */
export function segmentationBenchSizes(quick: boolean): { train: number; infer: number; endToEnd: number } {
  return quick ? { train: 16, infer: 32, endToEnd: 16 } : { train: 64, infer: 128, endToEnd: BUNDLED_MODEL_SHAPE.size }
}

/** Our plan (base 8), or base 4 with --quick: a smoke run does not need the width. */
export function segmentationBenchPlan(quick: boolean): ChannelPlan {
  return quick ? { ...OUR_PLAN, baseFilters: 4 } : OUR_PLAN
}

export async function benchTrainingSteps(
  options: Pick<SegmentationBenchOptions, 'quick' | 'reps' | 'log'>,
  torch: TorchSide = new TorchSide(null),
): Promise<{ backend: string; figures: TrainStepFigures }> {
  const backend = await initBackend()
  const plan = segmentationBenchPlan(options.quick)
  const size = segmentationBenchSizes(options.quick).train
  const figures: TrainStepFigures = {
    size,
    plan: { baseFilters: plan.baseFilters, blocks: [...plan.blocks], labels: plan.labels, batch: 1, loss: 'pcc', optimizer: 'nadam' },
    ms: {} as TrainStepFigures['ms'],
    parameters: {} as TrainStepFigures['parameters'],
    loss: {} as TrainStepFigures['loss'],
  }
  for (const mode of KERNEL_MODES) {
    options.log(`training step at ${size}^3, ${mode} kernels, base ${plan.baseFilters}, on ${backend}${torch.reference ? ', PyTorch interleaved' : ''}`)
    const model = buildSegmentationNetwork({ mode, plan, inputSize: size, seed: 13 })
    const optimizer = new NadamOptimizer({ learningRate: 1e-3 })
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const x = tf.randomNormal([1, size, size, size, 1], 0, 1, 'float32', 5)
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([1, size, size, size], 0, plan.labels, 'int32', 7) as tf.Tensor4D, plan.labels), 'float32'))
    const id = `train-${mode}`
    let step = 0
    let loss = NaN
    try {
      if (torch.reference) {
        try {
          torch.parameters[mode] = await torch.reference.build(id, { mode, size, plan, train: true })
        } catch (error) {
          torch.fail(error)
        }
      }
      const timed = await interleaved(
        options.reps,
        () => {
          setDropoutStep(model, step++)
          const cost = optimizer.minimize(() => pccLoss(y, model.apply(x, { training: true }) as tf.Tensor), true, variables)!
          loss = cost.dataSync()[0]!
          cost.dispose()
        },
        torch,
        (reps) => torch.reference!.time('train', id, reps),
      )
      figures.ms[mode] = timed.ours
      if (timed.theirs) {
        torch.train_step_ms[mode] = timed.theirs.ms
        torch.train_step_ratio[mode] = Math.round(timed.theirs.ratio * 100) / 100
      }
      figures.parameters[mode] = model.countParams()
      figures.loss[mode] = Math.round(loss * 1e6) / 1e6
      await torch.reference?.drop(id).catch((error: unknown) => torch.fail(error))
    } finally {
      tf.dispose([x, y])
      optimizer.dispose()
      model.dispose()
    }
  }
  return { backend, figures }
}

export async function benchOnnxInference(options: Pick<SegmentationBenchOptions, 'quick' | 'reps' | 'log'>, torch: TorchSide = new TorchSide(null)): Promise<InferenceFigures> {
  const plan = segmentationBenchPlan(options.quick)
  const size = segmentationBenchSizes(options.quick).infer
  const mode: KernelMode = 'mixed'
  const threads = defaultIntraOpThreads()
  options.log(`ONNX inference at ${size}^3, ${mode} kernels, base ${plan.baseFilters}, onnxruntime CPU with ${threads} threads${torch.reference ? ', PyTorch interleaved' : ''}`)
  await initBackend()
  const model = buildSegmentationNetwork({ mode, plan, inputSize: size, seed: 17 })
  const { bytes } = exportToOnnxWithSignature(model)
  model.dispose()
  const session = await openOnnxSession(bytes, { intraOpThreads: threads })
  const id = `infer-${mode}`
  try {
    if (torch.reference) await torch.reference.build(id, { mode, size, plan, train: false }).catch((error: unknown) => torch.fail(error))
    const input = new Float32Array(size ** 3)
    let state = 1
    for (let n = 0; n < input.length; n++) input[n] = ((state = (state * 16807) % 2147483647) / 2147483647) * 2 - 1
    const name = session.inputs[0]!.name
    const timed = await interleaved(
      options.reps,
      () => session.run({ [name]: { data: input, shape: [1, size, size, size, 1] } }),
      torch,
      (reps) => torch.reference!.time('infer', id, reps),
    )
    if (timed.theirs) {
      torch.infer_ms = timed.theirs.ms
      torch.infer_ratio = Math.round(timed.theirs.ratio * 100) / 100
    }
    await torch.reference?.drop(id).catch((error: unknown) => torch.fail(error))
    return { size, mode, threads, ms: timed.ours, onnx_mb: Math.round((bytes.length / 2 ** 20) * 10) / 10 }
  } finally {
    await session.release()
  }
}

/**
 * The model the end-to-end figure uses: the first bundled segmentation model, else a freshly initialised one of
 * the bundled model's shape (an untrained network segments as fast as a trained one) written as a package in `dir`.
 * With --quick and none bundled, a 16^3 one (a smoke run).
 */
export async function endToEndModel(options: Pick<SegmentationBenchOptions, 'quick' | 'dir' | 'bundledDir'>): Promise<{ dir: string; id: string; made: boolean }> {
  if (options.bundledDir) {
    const bundled = await resolveSegmentationModel(undefined, join(options.dir, 'no-models'), options.bundledDir).catch(() => null)
    if (bundled) {
      await bundled.release()
      return { dir: bundled.pkg.dir, id: bundled.pkg.id, made: false }
    }
  }
  const size = segmentationBenchSizes(options.quick).endToEnd
  const { mode, baseFilters } = BUNDLED_MODEL_SHAPE
  await initBackend()
  const network = buildSegmentationNetwork({ mode, plan: { ...OUR_PLAN, baseFilters, labels: STRUCTURE_LABELS.length }, inputSize: size, seed: 19 })
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(network)
  network.dispose()
  const spacing = Math.round((FIELD_OF_VIEW_MM / size) * 1000) / 1000
  const id = `bench-${mode}-base${baseFilters}-${size}`
  const meta: ModelMeta = {
    formatVersion: 1,
    name: id,
    task: 'mri-segmentation',
    description: `Untrained, for timing: the bundled model's shape (${size}^3, base ${baseFilters}, ${mode} kernels)`,
    inputs,
    outputs,
    preprocessing: { spacingMm: [spacing, spacing, spacing], orientation: 'RAS', intensity: 'zscore', patch: [size, size, size] },
    labels: STRUCTURE_LABELS,
    provenance: { createdAt: new Date().toISOString(), framework: 'tfjs 4.22' },
  }
  const dir = join(options.dir, id)
  await writeModelPackage(dir, { onnx: bytes, meta })
  return { dir, id, made: true }
}

/** ch2 where mricron-data is installed, else a phantom head on ch2's grid (181 x 217 x 181 at 1 mm). */
async function endToEndInput(options: Pick<SegmentationBenchOptions, 'quick' | 'dir' | 'templates'>): Promise<{ path: string; name: string }> {
  const ch2 = join(options.templates, 'ch2.nii.gz')
  if (!options.quick && existsSync(ch2)) return { path: ch2, name: 'ch2 (mricron-data: the whole head at 1 mm)' }
  // --quick: a smaller head (2 mm voxels) keeps the smoke run short; it passes the same checks.
  const grid = options.quick ? { dims: [64, 72, 64] as [number, number, number], voxelMm: [2, 2, 2] as [number, number, number] } : { dims: [181, 217, 181] as [number, number, number], voxelMm: [1, 1, 1] as [number, number, number] }
  const path = join(options.dir, 'phantom-head.nii.gz')
  await writeNifti(path, makePhantom({ ...grid, noise: 4 }), { datatype: 'int16' })
  return { path, name: `phantom head ${grid.dims.join(' x ')} at ${grid.voxelMm[0]} mm${options.quick ? ' (--quick)' : ' (mricron-data is not installed)'}` }
}

export async function benchEndToEnd(options: SegmentationBenchOptions): Promise<EndToEndFigures> {
  const input = await endToEndInput(options)
  const chosen = await endToEndModel(options)
  options.log(`segmenting ${input.name} end to end with ${chosen.made ? `a ${chosen.id} model made here` : chosen.id}`)
  const out = join(options.dir, 'segment-out')
  mkdirSync(out, { recursive: true })
  const pkg = { ...(await readModelPackage(chosen.dir)), id: chosen.id }
  const started = performance.now()
  const model = await openSegmentationModel(pkg)
  try {
    const run = (n: number) => segmentFile(model, { input: input.path, out: join(out, `labels-${n}.nii.gz`) })
    const first = await run(0)
    const first_s = (performance.now() - started) / 1000
    const times: number[] = []
    let last = first
    for (let i = 0; i < options.reps.measured; i++) {
      last = await run(i + 1)
      times.push(last.seconds)
    }
    const { spec } = model
    return {
      input: input.name,
      dims: [...last.dims],
      voxel_mm: voxelMm(last.affine),
      model: { id: chosen.id, made: chosen.made, patch: [...spec.patch], labels: spec.labels.length },
      first_s: round3(first_s),
      median_s: round3(times.length ? median(times.map((t) => t * 1000)) / 1000 : first.seconds),
      labelled_structures: last.stats.filter((s) => s.voxels > 0).length,
    }
  } finally {
    await model.release()
  }
}

function voxelMm(affine: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((c) => round3(Math.hypot(affine[c]!, affine[4 + c]!, affine[8 + c]!))) as [number, number, number]
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000
