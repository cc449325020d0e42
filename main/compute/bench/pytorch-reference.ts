import type * as tfl from '@tensorflow/tfjs-layers'
import { locateReferenceScript, pythonCandidates, ReferenceProcess, type ReferenceAnswer } from './reference-process'

export { pythonCandidates }

/*
 * PyTorch as a yardstick: scripts/reference/torch_bench.py, run by a Python that has torch (Debian's
 * python3-torch on the machine the issue measured), builds the same network as a TF.js model and times
 * a training step or an inference, on request, so a benchmark can interleave its own repetitions with
 * PyTorch's. The script is a file of the source checkout: where it or torch is missing the comparison
 * is skipped with a note saying which.
 */

export type TorchLayerSpec =
  | { kind: 'conv'; filters: number; kernel: number[]; dilation: number[]; padding: 'same' | 'valid'; activation: string }
  | { kind: 'maxpool'; pool: number[]; padding: 'same' | 'valid' }
  | { kind: 'gap' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'dense'; units: number; activation: string }

/** The network as torch_bench.py builds it: NHWC input size, layers in order, the SGD settings. */
export interface TorchNetworkSpec {
  input: number[]
  layers: TorchLayerSpec[]
  optimizer: { lr: number; momentum: number; nesterov: boolean }
}

function pair(value: unknown): number[] {
  return typeof value === 'number' ? [value, value] : (value as number[]).slice()
}

/**
 * Reads a compiled sequential TF.js model of 2D convolutions, poolings, global average pooling, dropout
 * and dense layers into the spec the PyTorch script builds; any other layer or optimizer throws, naming it.
 */
export function torchSpecOf(model: tfl.LayersModel): TorchNetworkSpec {
  const shape = model.inputs[0]!.shape
  const layers: TorchLayerSpec[] = []
  for (const layer of model.layers) {
    const c = layer.getConfig() as Record<string, unknown>
    const name = layer.getClassName()
    if (name === 'InputLayer') continue
    if (name === 'Conv2D') {
      if (pair(c.strides ?? 1).some((s) => s !== 1)) throw new Error(`layer '${layer.name}': strided convolutions are not in the PyTorch reference`)
      layers.push({
        kind: 'conv',
        filters: c.filters as number,
        kernel: pair(c.kernelSize),
        dilation: pair(c.dilationRate ?? 1),
        padding: c.padding === 'valid' ? 'valid' : 'same',
        activation: String(c.activation ?? 'linear'),
      })
    } else if (name === 'MaxPooling2D') {
      layers.push({ kind: 'maxpool', pool: pair(c.poolSize), padding: c.padding === 'same' ? 'same' : 'valid' })
    } else if (name === 'GlobalAveragePooling2D') {
      layers.push({ kind: 'gap' })
    } else if (name === 'Dropout' || name === 'SeededDropout') {
      layers.push({ kind: 'dropout', rate: c.rate as number })
    } else if (name === 'Dense') {
      layers.push({ kind: 'dense', units: c.units as number, activation: String(c.activation ?? 'linear') })
    } else {
      throw new Error(`layer '${layer.name}' (${name}) is not in the PyTorch reference`)
    }
  }
  const optimizer = model.optimizer as unknown as { getClassName(): string; getConfig(): Record<string, unknown> } | undefined
  if (!optimizer) throw new Error(`model '${model.name}' is not compiled: the PyTorch reference trains with its optimizer`)
  const o = optimizer.getConfig()
  const kind = optimizer.getClassName()
  if (kind !== 'Momentum' && kind !== 'SGD') throw new Error(`optimizer ${kind} is not in the PyTorch reference (SGD and momentum are)`)
  return {
    input: shape.slice(1) as number[],
    layers,
    optimizer: { lr: o.learningRate as number, momentum: kind === 'Momentum' ? (o.momentum as number) : 0, nesterov: o.useNesterov === true },
  }
}

/** torch_bench.py in the source checkout above this module. */
export function locateTorchScript(from: string = import.meta.url): string | null {
  return locateReferenceScript('torch_bench.py', from)
}

export type TorchTimedOp = 'train' | 'infer' | 'infer_int8' | 'infer_optimised'

interface Answer extends ReferenceAnswer {
  params?: number
  ms?: number[]
}

/** One running torch_bench.py. */
export class PyTorchReference extends ReferenceProcess<Answer> {
  /**
   * Starts the script with the first Python that has torch, `threads` threads (torch.set_num_threads).
   * Rejects with the reason (no script, no Python, no torch) when none does.
   */
  static async start(threads: number, options: { script?: string | null; pythons?: string[] } = {}): Promise<PyTorchReference> {
    const script = options.script === undefined ? locateTorchScript() : options.script
    if (!script) throw new Error('scripts/reference/torch_bench.py is not here (the comparison runs from a source checkout)')
    const reference = await PyTorchReference.launch(script, [String(threads)], options.pythons ?? pythonCandidates())
    reference.threads ||= threads
    return reference
  }

  /** Builds `spec` under the name `id`, with a batch of `batch` random examples; returns its parameter count. */
  async build(id: string, spec: TorchNetworkSpec, batch: number): Promise<number> {
    return (await this.request({ op: 'build', id, spec, batch })).params ?? 0
  }

  /**
   * Times `reps` training steps (train) or eval-mode forward passes (infer: eager; infer_int8: with the convolutions
   * quantised by PyTorch, calibrated on the batch; infer_optimised: TorchScript frozen and optimised for
   * inference) of a built network, ms each.
   */
  async time(op: TorchTimedOp, id: string, reps: number): Promise<number[]> {
    return (await this.request({ op, id, reps })).ms ?? []
  }
}
