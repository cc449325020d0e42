import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { median } from '../../core/bench-timing'
import { PyTorchReference, torchSpecOf, type TorchNetworkSpec, type TorchTimedOp } from './pytorch-reference'
import type { ProfiledNetwork } from './step-profile'

/*
 * Our time beside PyTorch's for the same network and batch, measured in one run. The machine is often
 * busy with other work (training in the background), which slows whatever runs at that moment; so the
 * two are interleaved: in each round a few of our repetitions, then a few of PyTorch's, and the ratio is
 * the median of the rounds' ratios. Each side's figure is the median of all its repetitions.
 */

export interface ComparedTask {
  /** Key of the figure, e.g. 'reference_cnn_train_step'. */
  name: string
  /** What is timed, for the table. */
  label: string
  /** What PyTorch runs: a training step or an eval-mode forward pass (int8: convolutions quantised) of this network at this batch. */
  torch: { op: TorchTimedOp; spec: TorchNetworkSpec; batch: number }
  /** One repetition of ours (awaited). */
  ours(): unknown
}

export interface PyTorchFigure {
  label: string
  ours_ms: number
  pytorch_ms: number
  /** Our time over PyTorch's (below 1: we are faster), the median of the rounds' ratios. */
  ratio: number
}

export type PyTorchComparison =
  | {
      available: true
      torch: string
      python: string
      threads: number
      rounds: number
      reps_per_round: number
      figures: Record<string, PyTorchFigure>
      /** Tasks PyTorch could not run here (e.g. a build without a quantised engine), with its reason. */
      skipped?: Record<string, string>
    }
  | { available: false; note: string }

export interface CompareOptions {
  /** One round of one repetition, no warm-up: a smoke run. */
  quick?: boolean
  /** torch.set_num_threads: use the threads our side uses. */
  threads: number
  log?: (line: string) => void
  /** Pythons to try (default: pythonCandidates()). */
  pythons?: string[]
}

export const missingTorchAdvice =
  "install Debian's python3-torch (apt install python3-torch), or set PERCEPT_PYTHON to a Python that has torch"

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/**
 * A pause between the two sides: both runtimes' idle worker threads spin-wait for a while after a call
 * (onnxruntime's pool, PyTorch's OpenMP), and on a 2-core machine that spinning slows the other side's next
 * repetitions (measured: up to 2x on ONNX inference right after a 2-thread PyTorch step).
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100))
}

async function timeOurs(task: ComparedTask, reps: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < reps; i++) {
    const start = performance.now()
    await task.ours()
    times.push(performance.now() - start)
  }
  return times
}

/** PyTorch answered a task with an error (the other tasks go on). */
class ReferenceTaskError extends Error {}

/** One task: rounds of ours then PyTorch's; the medians and the median of the rounds' ratios. */
async function compareTask(reference: PyTorchReference, task: ComparedTask, rounds: number, reps: number, quick: boolean): Promise<PyTorchFigure> {
  const theirs = async (n: number): Promise<number[]> => {
    try {
      return await reference.time(task.torch.op, task.name, n)
    } catch (error) {
      throw new ReferenceTaskError((error as Error).message)
    }
  }
  await reference.build(task.name, task.torch.spec, task.torch.batch)
  if (!quick) {
    await timeOurs(task, 1)
    await theirs(1)
  }
  const ours: number[] = []
  const pytorch: number[] = []
  const ratios: number[] = []
  for (let r = 0; r < rounds; r++) {
    const a = await timeOurs(task, reps)
    await settle()
    const b = await theirs(reps)
    await settle()
    ours.push(...a)
    pytorch.push(...b)
    ratios.push(median(a) / median(b))
  }
  return { label: task.label, ours_ms: median(ours), pytorch_ms: median(pytorch), ratio: round2(median(ratios)) }
}

/** Times every task against PyTorch; never throws: without PyTorch the result says why, with the advice. */
export async function compareWithPyTorch(tasks: ComparedTask[], options: CompareOptions): Promise<PyTorchComparison> {
  const log = options.log ?? (() => {})
  let reference: PyTorchReference
  try {
    reference = await PyTorchReference.start(options.threads, options.pythons ? { pythons: options.pythons } : {})
  } catch (error) {
    const note = `PyTorch comparison skipped: ${(error as Error).message}; ${missingTorchAdvice}`
    log(note)
    return { available: false, note }
  }
  const rounds = options.quick ? 1 : 5
  const reps = options.quick ? 1 : 2
  try {
    const figures: Record<string, PyTorchFigure> = {}
    const skipped: Record<string, string> = {}
    for (const task of tasks) {
      try {
        figures[task.name] = await compareTask(reference, task, rounds, reps, options.quick ?? false)
        const f = figures[task.name]!
        log(`  ${task.label}: ours ${f.ours_ms} ms, PyTorch ${f.pytorch_ms} ms, ratio ${f.ratio}`)
      } catch (error) {
        if (!(error instanceof ReferenceTaskError)) throw error
        skipped[task.name] = error.message
        log(`  ${task.label}: PyTorch could not run it (${error.message})`)
      }
    }
    return {
      available: true,
      torch: reference.torch,
      python: reference.python,
      threads: reference.threads,
      rounds,
      reps_per_round: reps,
      figures,
      ...(Object.keys(skipped).length ? { skipped } : {}),
    }
  } catch (error) {
    const note = `PyTorch comparison failed: ${(error as Error).message}`
    log(note)
    return { available: false, note }
  } finally {
    reference.close()
  }
}

/** Lines for a benchmark's table. */
export function formatPyTorchComparison(comparison: PyTorchComparison): string {
  if (!comparison.available) return `${comparison.note}\n`
  const head = `Beside PyTorch ${comparison.torch} (${comparison.threads} threads), interleaved, ${comparison.rounds} rounds of ${comparison.reps_per_round}:`
  const rows = Object.values(comparison.figures).map(
    (f) => `  ${f.label.padEnd(50)} ours ${String(f.ours_ms).padStart(9)} ms   PyTorch ${String(f.pytorch_ms).padStart(9)} ms   ratio ${f.ratio}x`,
  )
  const skipped = Object.entries(comparison.skipped ?? {}).map(([name, why]) => `  ${name}: PyTorch could not run it (${why})`)
  return [head, ...rows, ...skipped].join('\n') + '\n'
}

/**
 * The training step of each network (trainOnBatch at its batch, on the active backend, random inputs and
 * cyclic labels as the benchmarks use) beside PyTorch's, in one interleaved run.
 */
export async function compareTrainingSteps(networks: ProfiledNetwork[], options: CompareOptions): Promise<PyTorchComparison> {
  const owned: tf.TensorContainer[] = []
  const models: tfl.LayersModel[] = []
  try {
    const tasks = networks.map((network): ComparedTask => {
      const model = network.build()
      models.push(model)
      const x = tf.randomUniform([network.batch, ...network.inputShape], -1, 1, 'float32', 3)
      const y = tf.oneHot(tf.tensor1d(Array.from({ length: network.batch }, (_, j) => j % network.classes), 'int32'), network.classes)
      owned.push(x, y)
      return {
        name: `${network.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}_train_step`,
        label: `${network.name} train step, batch ${network.batch} (${tf.getBackend()})`,
        torch: { op: 'train', spec: torchSpecOf(model), batch: network.batch },
        ours: () => model.trainOnBatch(x, y),
      }
    })
    return await compareWithPyTorch(tasks, options)
  } catch (error) {
    return { available: false, note: `PyTorch comparison failed: ${(error as Error).message}` }
  } finally {
    for (const model of models) {
      model.optimizer?.dispose()
      model.dispose()
    }
    tf.dispose(owned)
  }
}
