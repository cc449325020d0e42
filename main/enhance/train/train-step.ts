import * as tf from '@tensorflow/tfjs-core'
import { burstStep, disposeBurstStep, PAPER_PBAR } from '../model/burst-train'
import { forwardPass, meanRates, weightList, type NetBatch, type NetWeights } from '../model/enhance-net'
import { weightedBce } from '../model/weighted-bce'
import type { ExampleBatch } from './examples'
import { countMask, type MaskCounts } from './measures'
import { SPECTRUM_BINS } from '../spectra'
import { CONTEXT_FRAMES, INPUT_BINS } from '../audio-input'
import { LIP_HEIGHT, LIP_WIDTH } from '../corpus/mouth-image'
import { PaperAdam } from './adam'

/*
 * One training step of each model, and the forward pass that measures a part.
 * The optimiser (paper Sec. III-B): Adam, learning rate 1e-3, weight decay 1e-6. Weight decay as
 * PyTorch's Adam(weight_decay=...) applies it: an L2 term added to the gradient before the moments,
 * g + 1e-6 theta (not AdamW's decoupled decay); betas 0.9, 0.999 and eps 1e-8, PyTorch's defaults.
 * Backprop models get g from tf.variableGrads of the weighted BCE; MBURST gets burst-train.ts's estimates
 * (its feedback weights Y stepped by Adam too, weight decay included). The update is adam.ts', one variable
 * at a time: tf.train.adam's holds every variable's temporaries at once, more than wasm can address at MBURST's size.
 */

export const ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-6 } as const

export function paperAdam(): PaperAdam {
  return new PaperAdam(ADAM)
}

export interface StepResult {
  /** Mean loss over the batch's units. */
  loss: number
  counts: MaskCounts
  /** Per layer: mean event rate; for MBURST also the burst probability and burst rate. */
  eventRates: number[]
  burstProbabilities: number[] | null
  burstRates: number[] | null
}

/** The batch's tensors: audio [N, 8, 500, 1], lips [N, 50, 92, 1], target [N, 622]. */
export function batchTensors(batch: ExampleBatch, withLips: boolean): NetBatch {
  return {
    audio: tf.tensor4d(batch.audio, [batch.size, CONTEXT_FRAMES, INPUT_BINS, 1]),
    ...(withLips && batch.lips ? { lips: tf.tensor4d(batch.lips, [batch.size, LIP_HEIGHT, LIP_WIDTH, 1]) } : {}),
    target: tf.tensor2d(batch.target, [batch.size, SPECTRUM_BINS]),
  }
}

function disposeBatch(batch: NetBatch): void {
  tf.dispose([batch.audio, ...(batch.lips ? [batch.lips] : []), ...(batch.target ? [batch.target] : [])])
}

/** Adam on g + weightDecay theta, variables in weightList's order. Disposes the gradients. */
export function applyAdam(optimizer: PaperAdam, weights: NetWeights, grads: tf.Tensor[]): void {
  try {
    optimizer.step(weightList(weights), grads)
  } finally {
    tf.dispose(grads)
  }
}

/** One back-propagation step (Unimodal, Multimodal). */
export async function backpropStep(weights: NetWeights, optimizer: PaperAdam, batch: ExampleBatch, positiveWeight: number, withLips: boolean): Promise<StepResult> {
  const tensors = batchTensors(batch, withLips)
  const list = weightList(weights)
  let output: tf.Tensor | null = null
  let rates: tf.Tensor | null = null
  const { value, grads } = tf.variableGrads(() => {
    const pass = forwardPass(weights, tensors)
    output = tf.keep(pass.e[pass.e.length - 1]!)
    rates = tf.keep(meanRates(pass))
    return weightedBce(pass.logits, tensors.target!, positiveWeight)
  }, list)
  applyAdam(optimizer, weights, list.map((v) => grads[v.name]!))
  const loss = (await value.data())[0]!
  const result: StepResult = { loss, counts: countMask(await output!.data(), batch.target), eventRates: Array.from(await rates!.data()), burstProbabilities: null, burstRates: null }
  tf.dispose([value, output!, rates!])
  disposeBatch(tensors)
  return result
}

/** One burst-propagation step (MBURST). */
export async function burstTrainStep(weights: NetWeights, optimizer: PaperAdam, batch: ExampleBatch, positiveWeight: number): Promise<StepResult> {
  const tensors = batchTensors(batch, true)
  const step = burstStep(weights, tensors, { pbar: PAPER_PBAR, loss: { kind: 'weighted-bce', positiveWeight } })
  applyAdam(optimizer, weights, step.grads)
  step.grads = []
  const result: StepResult = {
    loss: (await step.loss.data())[0]!,
    counts: countMask(await step.output.data(), batch.target),
    eventRates: Array.from(await step.eventRates.data()),
    burstProbabilities: Array.from(await step.burstProbabilities.data()),
    burstRates: Array.from(await step.burstRates.data()),
  }
  disposeBurstStep(step)
  disposeBatch(tensors)
  return result
}

/** The forward pass alone on a batch with targets: its loss, counts and event rates (no learning). */
export async function measureBatch(weights: NetWeights, batch: ExampleBatch, positiveWeight: number, withLips: boolean): Promise<StepResult & { output: Float32Array }> {
  const tensors = batchTensors(batch, withLips)
  const [loss, output, rates] = tf.tidy(() => {
    const pass = forwardPass(weights, tensors)
    return [weightedBce(pass.logits, tensors.target!, positiveWeight), pass.e[pass.e.length - 1]!, meanRates(pass)]
  })
  const out = (await output.data()) as Float32Array
  const result = { loss: (await loss.data())[0]!, counts: countMask(out, batch.target), eventRates: Array.from(await rates.data()), burstProbabilities: null, burstRates: null, output: out }
  tf.dispose([loss, output, rates])
  disposeBatch(tensors)
  return result
}

