import { type Command, InvalidArgumentError } from 'commander'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { useBackend } from '../compute/backend'
import { GABOR_PARAMETER_NAMES, gaborKernel, type GaborParameters } from '../compute/layers'
import { PerceptError } from '../core/errors'
import { isLossKind, labelFirstToBatched, lossFunction, LOSS_KINDS } from '../mri/segmentation/losses'
import { segmentFile, type SegmentStage } from '../mri/segmentation/segment'
import { openSegmentationModel, resolveSegmentationModel } from '../mri/segmentation/segmentation-model'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { bundledModelsDir } from './bundled-models'
import { decodeNpyFloat64, writeNpy } from '../dsp/features/npy'
import { printJson } from './cli-options'

/** What `percept mri segment` says it is doing (stderr, without --json). */
const SEGMENT_STAGE_TEXT: Record<SegmentStage, string> = {
  preprocess: 'preparing the image (reorient, resample, normalise)',
  infer: 'running the model',
  native: 'putting the labels back on the image grid',
  write: 'writing',
}

/** Kernels beyond this edge are not what the layer is for, and would only make a large file. */
const MAX_KERNEL_SIZE = 63

function oddSize(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n % 2 === 0 || n > MAX_KERNEL_SIZE) {
    throw new InvalidArgumentError(`expected an odd whole number from 1 to ${MAX_KERNEL_SIZE}, e.g. 7.`)
  }
  return n
}

/** The eight parameters of equation (2) from --params, checked. */
function gaborParams(text: string): number[] {
  const usage = `--params takes a JSON list of 8 numbers [${GABOR_PARAMETER_NAMES.join(', ')}], e.g. '[2, 0.3, -0.5, 1, 0.5, 0.2, 0.1, 0]'`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new PerceptError('VALIDATION', `${usage}; got text that is not JSON: ${text.slice(0, 80)}`)
  }
  if (!Array.isArray(value) || value.length !== 8 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new PerceptError('VALIDATION', `${usage}; got ${JSON.stringify(value)?.slice(0, 80)}`)
  }
  const params = value as number[]
  if (!(params[0]! > 0)) throw new PerceptError('VALIDATION', `sigma (the first parameter) must be above 0, got ${params[0]}.`)
  return params
}

async function readArray(path: string, what: string): Promise<{ data: Float64Array; shape: number[] }> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PerceptError('NOT_FOUND', `No ${what} file at ${path}: check the path.`)
    throw new PerceptError('INVALID_FILE', `Cannot read the ${what} file ${path}: ${(error as Error).message}`)
  }
  let array
  try {
    array = decodeNpyFloat64(bytes)
  } catch (error) {
    if (error instanceof PerceptError) throw new PerceptError(error.code, `${what} (${path}): ${error.message}`)
    throw error
  }
  if (array.shape.length < 2) {
    throw new PerceptError('VALIDATION', `The ${what} array must have axis 0 the labels and at least one voxel axis, got shape (${array.shape.join(', ')}).`)
  }
  if (array.data.length === 0) throw new PerceptError('VALIDATION', `The ${what} array is empty (shape (${array.shape.join(', ')})).`)
  const bad = array.data.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0) throw new PerceptError('VALIDATION', `The ${what} array holds a non-finite value (${array.data[bad]}) at flat index ${bad}.`)
  return array
}

/** The CPU backend: exact enough, deterministic, and quick to start for these small computations; PROD hides TF.js's "install tfjs-node" banner, which would spoil --json output. */
async function cpuBackend(): Promise<void> {
  tf.env().set('PROD', true)
  await useBackend('cpu')
}

/** `percept mri gabor-kernel` and `percept mri loss`: the building blocks of paper 003's segmentation, checkable from outside. */
export function registerMriSegmentationCommands(mri: Command): void {
  mri
    .command('gabor-kernel')
    .description('the Gabor-based kernel of equation (2) (Wong & Moradi 2022) and the gradient of its sum, as training computes them')
    .requiredOption('--params <json>', `JSON list [${GABOR_PARAMETER_NAMES.join(', ')}]`)
    .option('--size <k>', 'kernel edge, odd', oddSize, 7)
    .option('--out <file.npy>', 'write the kernel as float64 .npy of shape (k, k, k), indexed (z, y, x)')
    .option('--json', 'print JSON')
    .action(async (opts: { params: string; size: number; out?: string; json?: boolean }) => {
      const values = gaborParams(opts.params)
      await cpuBackend()
      const variables = values.map((v) => tf.tensor2d([[v]]))
      const kernelOf = (...p: tf.Tensor[]): tf.Tensor =>
        gaborKernel(Object.fromEntries(GABOR_PARAMETER_NAMES.map((name, i) => [name, p[i]!])) as GaborParameters, opts.size)
      const kernel = Float64Array.from(tf.tidy(() => kernelOf(...variables).dataSync()))
      const gradients = tf.tidy(() => tf.grads((...p: tf.Tensor[]) => tf.sum(kernelOf(...p)))(variables).map((g) => g.dataSync()[0]!))
      tf.dispose(variables)
      const shape = [opts.size, opts.size, opts.size]
      if (opts.out) await writeNpy(resolve(opts.out), kernel, shape)
      if (opts.json) return printJson({ shape, sumGradient: gradients })
      process.stdout.write(`Kernel ${shape.join(' x ')} (z, y, x), sum ${kernel.reduce((a, b) => a + b, 0).toPrecision(8)}${opts.out ? `, written to ${resolve(opts.out)}` : ''}\n`)
      process.stdout.write(GABOR_PARAMETER_NAMES.map((name, i) => `d sum / d ${name.padEnd(8)} ${gradients[i]!.toPrecision(8)}`).join('\n') + '\n')
    })
  mri
    .command('loss')
    .description('a segmentation loss of paper 003 (PCC, Dice, categorical cross-entropy) on two arrays: axis 0 the labels, the rest the voxels')
    .requiredOption('--kind <kind>', LOSS_KINDS.join(' | '))
    .requiredOption('--pred <file.npy>', 'prediction scores in [0, 1] (float32 or float64 .npy)')
    .requiredOption('--target <file.npy>', 'ground truth (one-hot), same shape')
    .option('--grad-out <file.npy>', 'write dLoss/dpred as float64 .npy with the shape of --pred')
    .option('--json', 'print JSON')
    .action(async (opts: { kind: string; pred: string; target: string; gradOut?: string; json?: boolean }) => {
      const kind = opts.kind
      if (!isLossKind(kind)) throw new PerceptError('VALIDATION', `--kind is one of ${LOSS_KINDS.join(', ')}, got ${kind}.`)
      const [pred, target] = await Promise.all([readArray(resolve(opts.pred), 'prediction'), readArray(resolve(opts.target), 'target')])
      if (pred.shape.length !== target.shape.length || pred.shape.some((d, i) => d !== target.shape[i])) {
        throw new PerceptError('VALIDATION', `The prediction (${pred.shape.join(', ')}) and the target (${target.shape.join(', ')}) must have the same shape.`)
      }
      if (kind === 'ce') {
        const labels = pred.shape[0]!
        const voxels = pred.data.length / labels
        if (pred.data.some((v) => v < 0)) throw new PerceptError('VALIDATION', 'Cross-entropy needs prediction scores of 0 or more (probabilities); the prediction has negative values.')
        for (let v = 0; v < voxels; v++) {
          let sum = 0
          for (let l = 0; l < labels; l++) sum += pred.data[l * voxels + v]!
          if (!(sum > 0)) throw new PerceptError('VALIDATION', `Cross-entropy needs every voxel's scores to sum above 0; voxel ${v} sums to 0.`)
        }
      }
      await cpuBackend()
      const loss = lossFunction(kind)
      const p = tf.tensor(Float32Array.from(pred.data), pred.shape)
      const y = tf.tensor(Float32Array.from(target.data), target.shape)
      const yBatched = labelFirstToBatched(y)
      const result = tf.valueAndGrad((q: tf.Tensor) => loss(yBatched, labelFirstToBatched(q)))(p)
      const value = result.value.dataSync()[0]!
      const grad = Float64Array.from(result.grad.dataSync())
      tf.dispose([p, y, yBatched, result.value, result.grad])
      if (!Number.isFinite(value)) throw new PerceptError('VALIDATION', `The ${kind} loss of these arrays is not finite (${value}); check the prediction's values.`)
      if (opts.gradOut) await writeNpy(resolve(opts.gradOut), grad, pred.shape)
      if (opts.json) return printJson({ value })
      process.stdout.write(`${kind} loss ${value.toPrecision(8)}${opts.gradOut ? `; gradient written to ${resolve(opts.gradOut)}` : ''}\n`)
    })
  mri
    .command('segment <volume>')
    .description("segment a brain MRI with an ONNX segmentation model: a label map on the input's own grid (same shape and affine), its colour table beside it, volumes in mL")
    .option('--model <dir-zip-or-id>', 'an mri-segmentation model package folder, its .zip, or an installed id (default: the bundled one)')
    .requiredOption('--out <labels.nii.gz>', 'the label map to write; its colour table (ITK-SNAP labels) is written beside it as <name>.nii.txt')
    .option('--reference <labels>', 'a label map on the same grid to compare with: Dice per label')
    .option('--confidence <conf.nii.gz>', "also write each voxel's top probability (float32)")
    .option('--frame <n>', '4-D series: the frame to segment', (value: string) => {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.')
      return n
    })
    .option('--json', 'print JSON')
    .action(async (volume: string, opts: { model?: string; out: string; reference?: string; confidence?: string; frame?: number; json?: boolean }) => {
      const chosen = await resolveSegmentationModel(opts.model, join(resolveWorkspaceHome(), 'models'), bundledModelsDir())
      // The session holds the graph in memory: a .zip's unpacked copy is not needed past this point.
      const model = await openSegmentationModel(chosen.pkg).finally(() => chosen.release())
      // Ctrl+C stops the run at the next stage and nothing is written (files are written only after the last check).
      const cancel = new AbortController()
      const interrupt = (): void => {
        process.stderr.write('stopping the segmentation; nothing will be written (Ctrl+C again to force)…\n')
        cancel.abort()
      }
      process.once('SIGINT', interrupt)
      try {
        const result = await segmentFile(
          model,
          {
            input: resolve(volume),
            out: resolve(opts.out),
            ...(opts.frame === undefined ? {} : { frame: opts.frame }),
            ...(opts.confidence === undefined ? {} : { confidenceOut: resolve(opts.confidence) }),
            ...(opts.reference === undefined ? {} : { reference: resolve(opts.reference) }),
          },
          // The table's progress goes to stderr; --json keeps stderr for errors.
          { signal: cancel.signal, ...(opts.json ? {} : { onProgress: ({ stage }) => process.stderr.write(`${SEGMENT_STAGE_TEXT[stage]}…\n`) }) },
        )
        const labels = result.stats.map(({ label, name, voxels, volumeMl }) => ({ label, name, voxels, volumeMl }))
        if (opts.json) return printJson({ model: model.spec.id, seconds: result.seconds, labels, ...(result.dice ? { dice: result.dice } : {}) })
        const rows = [['LABEL', 'NAME', 'VOXELS', 'VOLUME (mL)', ...(result.dice ? ['DICE'] : [])]]
        for (const l of labels) {
          const dice = result.dice?.find((d) => d.label === l.label)?.dice
          rows.push([String(l.label), l.name, String(l.voxels), l.volumeMl.toFixed(3), ...(result.dice ? [dice === undefined ? '-' : dice.toFixed(4)] : [])])
        }
        const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
        process.stdout.write(rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n')
        process.stdout.write(`Segmented with ${model.spec.id} in ${result.seconds.toFixed(2)} s; written ${result.files.join(', ')}\n`)
      } finally {
        process.off('SIGINT', interrupt)
        await model.release()
      }
    })
}
