import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'

/*
 * Where a training step's time goes, kernel by kernel: model.trainOnBatch as training calls it, under
 * tf.profile, which records every kernel with its time (the backend's timer: wall time of the call for
 * cpu and wasm, whose kernels run synchronously), the bytes and tensors it allocated. tfjs-layers runs
 * the forward pass, the backward pass and the update inside that one call, so hooks on the model's own
 * optimizer mark where each phase starts: `minimize` calls computeGradients(f), which runs the loss
 * function f (the forward pass) on a tape and then the tape backwards; then applyGradients (the update);
 * then the gradients are disposed and the loss read back. The step profiled is the step training runs.
 */

/** A network to profile: a compiled model built anew each call (the profile disposes it), and its batch. */
export interface ProfiledNetwork {
  name: string
  build(): tfl.LayersModel
  batch: number
  /** One example, NHWC without the batch. */
  inputShape: readonly number[]
  classes: number
}

/** setup: input checks before the loss function runs; dispose: disposing the gradients, reading the loss back. */
export const stepPhases = ['setup', 'forward', 'backward', 'optimizer', 'dispose'] as const
export type StepPhase = (typeof stepPhases)[number]

/** Per step (the mean over the profiled steps). */
export interface PhaseFigures {
  /** Wall time of the phase. */
  ms: number
  kernels: number
  /** The kernels' own time (the rest: JavaScript between kernels, the tape, bookkeeping). */
  kernel_ms: number
  /** Bytes and tensors the kernels allocated (their outputs). */
  bytes_allocated: number
  tensors_allocated: number
  /** Live tensors after the phase minus before: what it left for later phases to dispose (negative: it disposed). */
  net_tensors: number
}

/** One kernel, aggregated over the step; figures per step. */
export interface KernelFigures {
  kernel: string
  calls: number
  /** Total time; null when the backend reported no time for it. */
  ms: number | null
  /** Of the step's kernel time. */
  share: number
  /** Time by phase, for the phases it ran in. */
  by_phase: Partial<Record<StepPhase, number>>
  bytes_allocated: number
  tensors_allocated: number
}

export interface StepProfile {
  network: string
  backend: string
  batch: number
  /** Steps profiled (after warm-up); every figure is the mean per step. */
  steps: number
  step_ms: number
  kernel_ms: number
  phases: Record<StepPhase, PhaseFigures>
  /** Slowest first. */
  kernels: KernelFigures[]
  /** Most bytes held by tensors at once during the profiled steps. */
  peak_bytes: number
}

interface Mark {
  phase: StepPhase | 'end'
  time: number
  kernel: number
  tensors: number
}

/** What tf.profile returns (its type is not exported). */
type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>
type KernelRecord = ProfileInfo['kernels'][number]

/** Profiles `steps` training steps of `network` on the active backend after `warmup` unprofiled ones. */
export async function profileTrainingStep(network: ProfiledNetwork, options: { warmup: number; steps: number }): Promise<StepProfile> {
  const model = network.build()
  const x = tf.randomUniform([network.batch, ...network.inputShape], -1, 1, 'float32', 9)
  const labels = tf.tensor1d(Array.from({ length: network.batch }, (_, i) => i % network.classes), 'int32')
  const y = tf.oneHot(labels, network.classes)
  try {
    for (let i = 0; i < options.warmup; i++) await model.trainOnBatch(x, y)
    const marks: Mark[] = []
    const engine = tf.engine()
    const mark = (phase: Mark['phase']): void => {
      marks.push({ phase, time: performance.now(), kernel: engine.state.activeProfile.kernels.length, tensors: tf.memory().numTensors })
    }
    const optimizer = model.optimizer
    const { computeGradients, applyGradients } = optimizer
    optimizer.computeGradients = (f, varList) =>
      computeGradients.call(
        optimizer,
        () => {
          mark('forward')
          const loss = f()
          mark('backward')
          return loss
        },
        varList,
      )
    optimizer.applyGradients = (gradients) => {
      mark('optimizer')
      applyGradients.call(optimizer, gradients)
      mark('dispose')
    }
    let info: ProfileInfo
    try {
      info = await tf.profile(async () => {
        for (let s = 0; s < options.steps; s++) {
          mark('setup')
          await model.trainOnBatch(x, y)
          mark('end')
        }
      })
    } finally {
      // The hooks were own properties over the prototype's methods.
      delete (optimizer as Partial<typeof optimizer>).computeGradients
      delete (optimizer as Partial<typeof optimizer>).applyGradients
    }
    return summarise(network, info, marks, options.steps)
  } finally {
    model.optimizer.dispose()
    model.dispose()
    tf.dispose([x, labels, y])
  }
}

function kernelMs(kernel: KernelRecord): number | null {
  const t = kernel.kernelTimeMs as unknown
  return typeof t === 'number' ? t : null
}

function summarise(network: ProfiledNetwork, info: ProfileInfo, marks: Mark[], steps: number): StepProfile {
  const phases = Object.fromEntries(
    stepPhases.map((p) => [p, { ms: 0, kernels: 0, kernel_ms: 0, bytes_allocated: 0, tensors_allocated: 0, net_tensors: 0 }]),
  ) as Record<StepPhase, PhaseFigures>
  const byKernel = new Map<string, KernelFigures & { timed: boolean }>()
  const backend = tf.getBackend()
  let stepMs = 0
  for (let m = 0; m + 1 < marks.length; m++) {
    const { phase, time, kernel: first, tensors } = marks[m]!
    const next = marks[m + 1]!
    if (phase === 'end') continue
    const figures = phases[phase]
    figures.ms += next.time - time
    figures.net_tensors += next.tensors - tensors
    stepMs += next.time - time
    for (const k of info.kernels.slice(first, next.kernel)) {
      // Ops with a custom gradient (fusedMatMul, ...) are recorded as a scope around their kernels: counted in those.
      if (!tf.getKernel(k.name, backend)) continue
      const ms = kernelMs(k)
      figures.kernels++
      figures.kernel_ms += ms ?? 0
      figures.bytes_allocated += k.bytesAdded
      figures.tensors_allocated += k.tensorsAdded
      let row = byKernel.get(k.name)
      if (!row) byKernel.set(k.name, (row = { kernel: k.name, calls: 0, ms: 0, share: 0, by_phase: {}, bytes_allocated: 0, tensors_allocated: 0, timed: false }))
      row.calls++
      row.ms! += ms ?? 0
      row.timed ||= ms !== null
      row.by_phase[phase] = (row.by_phase[phase] ?? 0) + (ms ?? 0)
      row.bytes_allocated += k.bytesAdded
      row.tensors_allocated += k.tensorsAdded
    }
  }
  const perStep = (v: number, digits = 3): number => Number((v / steps).toFixed(digits))
  const kernelTotal = stepPhases.reduce((sum, p) => sum + phases[p].kernel_ms, 0)
  const kernels = [...byKernel.values()]
    .map(({ timed, ...row }) => ({
      ...row,
      calls: perStep(row.calls, 2),
      ms: timed ? perStep(row.ms!) : null,
      share: kernelTotal > 0 ? Number(((row.ms ?? 0) / kernelTotal).toFixed(4)) : 0,
      by_phase: Object.fromEntries(Object.entries(row.by_phase).map(([p, ms]) => [p, perStep(ms)])),
      bytes_allocated: perStep(row.bytes_allocated, 0),
      tensors_allocated: perStep(row.tensors_allocated, 2),
    }))
    .sort((a, b) => (b.ms ?? -1) - (a.ms ?? -1))
  for (const p of stepPhases) {
    const f = phases[p]
    phases[p] = {
      ms: perStep(f.ms),
      kernels: perStep(f.kernels, 2),
      kernel_ms: perStep(f.kernel_ms),
      bytes_allocated: perStep(f.bytes_allocated, 0),
      tensors_allocated: perStep(f.tensors_allocated, 2),
      net_tensors: perStep(f.net_tensors, 2),
    }
  }
  return {
    network: network.name,
    backend,
    batch: network.batch,
    steps,
    step_ms: perStep(stepMs),
    kernel_ms: perStep(kernelTotal),
    phases,
    kernels,
    peak_bytes: info.peakBytes,
  }
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`

/** A profile as a table: the phases, then the `top` slowest kernels. */
export function formatStepProfile(p: StepProfile, top = 15): string {
  const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toFixed(2))
  const lines = [
    `${p.network}, batch ${p.batch}, ${p.backend}: ${ms(p.step_ms)} ms a step (kernels ${ms(p.kernel_ms)} ms), mean of ${p.steps}; peak ${mb(p.peak_bytes)}`,
    `  ${'phase'.padEnd(10)}${'ms'.padStart(9)}${'kernels'.padStart(9)}${'kernel ms'.padStart(11)}${'allocated'.padStart(11)}${'tensors'.padStart(9)}${'net'.padStart(7)}`,
    ...stepPhases.map((name) => {
      const f = p.phases[name]
      return `  ${name.padEnd(10)}${ms(f.ms).padStart(9)}${String(f.kernels).padStart(9)}${ms(f.kernel_ms).padStart(11)}${mb(f.bytes_allocated).padStart(11)}${String(f.tensors_allocated).padStart(9)}${String(f.net_tensors).padStart(7)}`
    }),
    '',
    `  ${'kernel'.padEnd(28)}${'calls'.padStart(7)}${'ms'.padStart(9)}${'share'.padStart(7)}${'forward'.padStart(9)}${'backward'.padStart(9)}${'optim.'.padStart(8)}${'allocated'.padStart(11)}`,
    ...p.kernels.slice(0, top).map(
      (k) =>
        `  ${k.kernel.padEnd(28)}${String(k.calls).padStart(7)}${ms(k.ms).padStart(9)}${`${(k.share * 100).toFixed(1)}%`.padStart(7)}` +
        `${ms(k.by_phase.forward).padStart(9)}${ms(k.by_phase.backward).padStart(9)}${ms(k.by_phase.optimizer).padStart(8)}${mb(k.bytes_allocated).padStart(11)}`,
    ),
  ]
  if (p.kernels.length > top) lines.push(`  ... ${p.kernels.length - top} more kernels (all of them in the JSON)`)
  return lines.join('\n')
}
