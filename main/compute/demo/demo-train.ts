import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { seededRandom } from '../seeded-random'
import { defineJobKind, type Checkpoint, type JobContext } from '../../core/jobs/kind'

export const demoTrainInput = z
  .object({
    epochs: z.number().int().min(1).max(1000).default(5),
    samples: z.number().int().min(8).max(100_000).default(256),
    batchSize: z.number().int().min(1).max(4096).default(32),
    hidden: z.number().int().min(1).max(512).default(16),
    learningRate: z.number().positive().max(1).default(0.02),
    /** Seeds the data, the initial weights and each epoch's shuffle: the same input trains the same model. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    /** Pause before each epoch, so a test or a demo can stop the job in the middle. */
    epochDelayMs: z.number().int().min(0).max(60_000).default(0),
    /** Install the trained network as an ONNX model package (models/demo-circle-<job>) when done. */
    exportModel: z.boolean().default(true),
  })
  .strict()
export type DemoTrainInput = z.output<typeof demoTrainInput>


/** Two classes in the plane: inside or outside a circle of radius 1.25, with 5% of labels flipped. */
export function demoDataset(samples: number, seed: number): { x: Float32Array; y: Float32Array } {
  const random = seededRandom(seed)
  const x = new Float32Array(samples * 2)
  const y = new Float32Array(samples)
  for (let i = 0; i < samples; i++) {
    const a = random() * 4 - 2
    const b = random() * 4 - 2
    x[2 * i] = a
    x[2 * i + 1] = b
    const inside = a * a + b * b < 1.5625
    y[i] = (random() < 0.05 ? !inside : inside) ? 1 : 0
  }
  return { x, y }
}

function shuffled(count: number, seed: number): number[] {
  const random = seededRandom(seed)
  const order = Array.from({ length: count }, (_, i) => i)
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

function requireFiles(checkpoint: Checkpoint, names: string[]): Record<string, Uint8Array> {
  for (const name of names) {
    if (!checkpoint.files[name]) throw new Error(`The checkpoint of epoch ${checkpoint.state.epoch} lacks ${name}.`)
  }
  return checkpoint.files
}

/** Exports the trained network to ONNX and installs it as a model package, replacing an earlier export of this job. */
async function installModel(
  model: import('@tensorflow/tfjs-layers').LayersModel,
  input: DemoTrainInput,
  ctx: JobContext,
  last: { loss: number; accuracy: number },
): Promise<string> {
  const { exportToOnnxWithSignature } = await import('../onnx')
  const { writeModelPackage } = await import('../model-package')
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
  const id = `demo-circle-${ctx.jobId.toLowerCase()}`
  const metrics: Record<string, number> = {}
  if (Number.isFinite(last.loss)) metrics.loss = last.loss
  if (Number.isFinite(last.accuracy)) metrics.accuracy = last.accuracy
  await writeModelPackage(
    join(ctx.modelsDir, id),
    {
      onnx: bytes,
      meta: {
        formatVersion: 1,
        name: id,
        task: 'generic',
        description: 'Demo: is a point (x, y) inside the circle of radius 1.25? Output: probability of inside.',
        inputs,
        outputs,
        preprocessing: {},
        labels: ['inside'],
        provenance: {
          dataset: `demo circle, ${input.samples} samples, seed ${input.seed}`,
          runId: ctx.jobId,
          metrics,
          createdAt: new Date().toISOString(),
          framework: 'tfjs 4.22',
        },
      },
    },
    { overwrite: true },
  )
  ctx.log('info', `installed the trained model as models/${id}`)
  return id
}

/**
 * demo.train: a 2-layer dense network on a seeded synthetic 2-class problem, trained with Adam on TF.js's
 * CPU backend. It logs loss and accuracy per step and per epoch and checkpoints weights and optimizer
 * state after every epoch, so a resumed run continues exactly where the checkpoint left off.
 */
export const demoTrain = defineJobKind({
  kind: 'demo.train',
  inputSchema: demoTrainInput,
  concurrencyGroup: 'training',
  resumable: true,
  title: () => 'Demo training',
  describeCheckpoint: (state, input) => `epoch ${state.epoch} of ${input.epochs}`,
  async run(input, ctx) {
    const tf = await import('@tensorflow/tfjs-core')
    await import('@tensorflow/tfjs-backend-cpu')
    const tfl = await import('@tensorflow/tfjs-layers')
    // Loaded here, not at the top: the main thread imports this module for the kind's spec only.
    const { decodeTensors, encodeTensors } = await import('../tensor-files')
    tf.env().set('PROD', true) // no "install tfjs-node" banner; the CPU backend is chosen for determinism
    await tf.setBackend('cpu')

    const { epochs, samples, batchSize, hidden, learningRate, seed } = input
    const data = demoDataset(samples, seed)
    const stepsPerEpoch = Math.ceil(samples / batchSize)
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: hidden,
          inputShape: [2],
          activation: 'relu',
          kernelInitializer: tfl.initializers.glorotUniform({ seed }),
        }),
        tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
      ],
    })
    const optimizer = tf.train.adam(learningRate)
    model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] })

    let firstEpoch = 1
    const checkpoint = await ctx.checkpoint.load()
    if (checkpoint) {
      const files = requireFiles(checkpoint, ['model.bin', 'model.json', 'optimizer.bin', 'optimizer.json'])
      model.setWeights(decodeTensors(files['model.bin']!, files['model.json']!))
      const optimizerWeights = decodeTensors(files['optimizer.bin']!, files['optimizer.json']!)
      await optimizer.setWeights(optimizerWeights.map((tensor, i) => ({ name: `t${i}`, tensor })))
      firstEpoch = checkpoint.state.epoch + 1
      ctx.log('info', `loaded the checkpoint of epoch ${checkpoint.state.epoch}; continuing at epoch ${firstEpoch}`)
    } else {
      ctx.log('info', `training from scratch: ${samples} samples, ${stepsPerEpoch} steps per epoch`)
    }

    let last = {
      loss: typeof checkpoint?.state.loss === 'number' ? checkpoint.state.loss : Number.NaN,
      accuracy: typeof checkpoint?.state.accuracy === 'number' ? checkpoint.state.accuracy : Number.NaN,
    }
    let epochsRun = 0
    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      if (input.epochDelayMs > 0) await sleep(input.epochDelayMs, undefined, { signal: ctx.signal })
      const order = shuffled(samples, seed * 1000 + epoch)
      let lossSum = 0
      let accuracySum = 0
      for (let b = 0; b < stepsPerEpoch; b++) {
        ctx.signal.throwIfAborted()
        const rows = order.slice(b * batchSize, (b + 1) * batchSize)
        const xs = new Float32Array(rows.length * 2)
        const ys = new Float32Array(rows.length)
        rows.forEach((row, i) => {
          xs[2 * i] = data.x[2 * row]!
          xs[2 * i + 1] = data.x[2 * row + 1]!
          ys[i] = data.y[row]!
        })
        const xb = tf.tensor2d(xs, [rows.length, 2])
        const yb = tf.tensor2d(ys, [rows.length, 1])
        const [loss, accuracy] = (await model.trainOnBatch(xb, yb)) as number[]
        xb.dispose()
        yb.dispose()
        lossSum += loss! * rows.length
        accuracySum += accuracy! * rows.length
        const step = (epoch - 1) * stepsPerEpoch + b + 1
        ctx.metric({ epoch, step, name: 'loss', value: loss! })
        ctx.metric({ epoch, step, name: 'accuracy', value: accuracy! })
        ctx.progress((epoch - 1 + (b + 1) / stepsPerEpoch) / epochs, `epoch ${epoch}/${epochs}`)
      }
      last = { loss: lossSum / samples, accuracy: accuracySum / samples }
      ctx.metric({ epoch, name: 'loss', value: last.loss })
      ctx.metric({ epoch, name: 'accuracy', value: last.accuracy })
      const modelFiles = await encodeTensors(model.getWeights())
      const optimizerFiles = await encodeTensors((await optimizer.getWeights()).map((w) => w.tensor))
      await ctx.checkpoint.save(
        { epoch, step: epoch * stepsPerEpoch, loss: last.loss, accuracy: last.accuracy },
        {
          'model.bin': modelFiles.bin,
          'model.json': modelFiles.json,
          'optimizer.bin': optimizerFiles.bin,
          'optimizer.json': optimizerFiles.json,
        },
      )
      epochsRun++
      ctx.log('info', `epoch ${epoch}/${epochs}: loss ${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(3)}; checkpoint saved`)
    }
    if (epochsRun === 0 && checkpoint) ctx.log('info', 'the checkpoint already held every epoch')
    const modelId = input.exportModel ? await installModel(model, input, ctx, last) : null
    model.dispose()
    return {
      modelId,
      epochs,
      finalLoss: Number.isNaN(last.loss) ? null : last.loss,
      finalAccuracy: Number.isNaN(last.accuracy) ? null : last.accuracy,
      epochsRun,
      resumedFromEpoch: checkpoint ? checkpoint.state.epoch : null,
    }
  },
})
