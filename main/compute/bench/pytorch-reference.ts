import type * as tfl from '@tensorflow/tfjs-layers'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

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

const scriptPath = join('scripts', 'reference', 'torch_bench.py')

/** torch_bench.py in the source checkout above this module (main/compute/bench in the sources, out/main when built). */
export function locateTorchScript(from: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(from))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, scriptPath)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return null
}

/**
 * Pythons to try, in order: PERCEPT_PYTHON when set; else `python3` on the PATH, then Debian's system
 * interpreter (python3-torch installs for it, while a version manager's `python3` may come first).
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const forced = env.PERCEPT_PYTHON?.trim()
  if (forced) return [forced]
  return ['python3', '/usr/bin/python3']
}

interface Answer {
  error?: string
  torch?: string
  threads?: number
  params?: number
  ms?: number[]
}

/** One running torch_bench.py. Requests go one at a time; `close()` ends it. */
export class PyTorchReference {
  private readonly answers: ((answer: Answer) => void)[] = []
  private readonly queued: Answer[] = []
  private exited: string | null = null
  /** torch.__version__ and torch.get_num_threads(), once started. */
  torch = ''
  threads = 0

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly python: string,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: Answer
      try {
        answer = JSON.parse(line) as Answer
      } catch {
        answer = { error: `unexpected output: ${line.slice(0, 200)}` }
      }
      const waiter = this.answers.shift()
      if (waiter) waiter(answer)
      else this.queued.push(answer)
    })
    // A Python that exits early (no torch) closes its stdin; the exit handler below reports why.
    child.stdin.on('error', () => {})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000)
    })
    const end = (why: string) => {
      this.exited ??= why
      for (const waiter of this.answers.splice(0)) waiter({ error: this.exited })
    }
    child.on('error', (error) => end(error.message))
    child.on('exit', (code) => {
      // The line that names the error (Python's traceback ends with it; Node's prints it mid-way).
      const lines = stderr.trim().split('\n').filter((l) => l.trim())
      const line = [...lines].reverse().find((l) => /^\w*(Error|Exception)\b/.test(l.trim())) ?? lines.pop()
      end(`the script exited (code ${code})${line ? `: ${line.trim()}` : ''}`)
    })
  }

  private next(): Promise<Answer> {
    const ready = this.queued.shift()
    if (ready) return Promise.resolve(ready)
    if (this.exited) return Promise.resolve({ error: this.exited })
    return new Promise((resolve) => this.answers.push(resolve))
  }

  private async request(message: object): Promise<Answer> {
    if (this.exited) throw new Error(this.exited)
    this.child.stdin.write(JSON.stringify(message) + '\n')
    const answer = await this.next()
    if (answer.error) throw new Error(answer.error)
    return answer
  }

  /**
   * Starts the script with the first Python that has torch, `threads` threads (torch.set_num_threads).
   * Rejects with the reason (no script, no Python, no torch) when none does.
   */
  static async start(threads: number, options: { script?: string | null; pythons?: string[] } = {}): Promise<PyTorchReference> {
    const script = options.script === undefined ? locateTorchScript() : options.script
    if (!script) throw new Error(`${scriptPath} is not here (the comparison runs from a source checkout)`)
    const reasons: string[] = []
    for (const python of options.pythons ?? pythonCandidates()) {
      const child = spawn(python, [script, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] })
      const reference = new PyTorchReference(child, python)
      const hello = await reference.next()
      if (!hello.error && hello.torch) {
        reference.torch = hello.torch
        reference.threads = hello.threads ?? threads
        return reference
      }
      reasons.push(`${python}: ${hello.error ?? 'no answer'}`)
      reference.close()
    }
    throw new Error(`no Python with PyTorch here (${reasons.join('; ')})`)
  }

  /** Builds `spec` under the name `id`, with a batch of `batch` random examples; returns its parameter count. */
  async build(id: string, spec: TorchNetworkSpec, batch: number): Promise<number> {
    return (await this.request({ op: 'build', id, spec, batch })).params ?? 0
  }

  /** Times `reps` training steps (train) or eval-mode forward passes (infer) of a built network, ms each. */
  async time(op: 'train' | 'infer', id: string, reps: number): Promise<number[]> {
    return (await this.request({ op, id, reps })).ms ?? []
  }

  close(): void {
    if (this.exited) return
    this.child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n')
    this.exited = 'closed'
  }
}
