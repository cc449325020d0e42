/**
 * PyTorch's time for the same segmentation network: scripts/reference/mri_segmentation_bench.py --serve, started
 * with a Python that has torch (Debian's python3-torch on the machine the issue measured), builds the network of
 * network.ts in PyTorch and times a training step or an inference on request, so that the benchmark interleaves
 * its own repetitions with PyTorch's round by round: background work then slows both alike. Where the script
 * (a file of the source checkout) or torch is missing, the comparison is skipped with a note saying which.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChannelPlan, KernelMode } from '../segmentation/network'

export const TORCH_SCRIPT = join('scripts', 'reference', 'mri_segmentation_bench.py')
export const MISSING_TORCH_ADVICE = "install Debian's python3-torch (apt install python3-torch), or set PERCEPT_PYTHON to a Python that has torch"

/** The reference script, looked for above this module (main/mri/bench in the sources, out/main when built). */
export function locateTorchScript(from: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(from))
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, TORCH_SCRIPT)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return null
}

/**
 * Pythons to try, in order: PERCEPT_PYTHON when set; else `python3` on the PATH, then Debian's system interpreter
 * (python3-torch installs for it, while a version manager's `python3` may come first and lack it).
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const forced = env.PERCEPT_PYTHON?.trim()
  return forced ? [forced] : ['python3', '/usr/bin/python3']
}

interface Answer {
  error?: string
  torch?: string
  threads?: number
  params?: number
  ms?: number[]
  peak_rss_mb?: number
}

/** One running reference script; requests go one at a time. */
export class TorchSegmentationReference {
  private readonly waiting: ((answer: Answer) => void)[] = []
  private readonly ready: Answer[] = []
  private exited: string | null = null
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
      const waiter = this.waiting.shift()
      if (waiter) waiter(answer)
      else this.ready.push(answer)
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000)
    })
    const end = (why: string) => {
      this.exited ??= why
      for (const waiter of this.waiting.splice(0)) waiter({ error: this.exited })
    }
    child.on('error', (error) => end(error.message))
    child.on('exit', (code) => end(`${python} exited (code ${code})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`))
  }

  private next(): Promise<Answer> {
    const answer = this.ready.shift()
    if (answer) return Promise.resolve(answer)
    if (this.exited) return Promise.resolve({ error: this.exited })
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private async request(message: object): Promise<Answer> {
    if (this.exited) throw new Error(this.exited)
    this.child.stdin.write(JSON.stringify(message) + '\n')
    const answer = await this.next()
    if (answer.error) throw new Error(answer.error)
    return answer
  }

  /** Starts the script with the first Python that imports torch; rejects saying why none does. */
  static async start(threads: number, options: { script?: string | null; pythons?: string[] } = {}): Promise<TorchSegmentationReference> {
    const script = options.script === undefined ? locateTorchScript() : options.script
    if (!script) throw new Error(`${TORCH_SCRIPT} is not here (the comparison runs from a source checkout)`)
    const reasons: string[] = []
    for (const python of options.pythons ?? pythonCandidates()) {
      const child = spawn(python, [script, '--serve', '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] })
      const reference = new TorchSegmentationReference(child, python)
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

  /** Builds the network for a training step (train) or inference at a cube edge; answers its parameter count. */
  async build(id: string, network: { mode: KernelMode; size: number; plan: ChannelPlan; train: boolean }): Promise<number> {
    const { mode, size, plan, train } = network
    return (await this.request({ op: 'build', id, mode, size, base: plan.baseFilters, blocks: plan.blocks, labels: plan.labels, train })).params ?? 0
  }

  /** `reps` training steps (train) or forward passes (infer) of a built network, ms each. */
  async time(op: 'train' | 'infer', id: string, reps: number): Promise<number[]> {
    return (await this.request({ op, id, reps })).ms ?? []
  }

  async drop(id: string): Promise<void> {
    await this.request({ op: 'drop', id })
  }

  /** The Python process's RSS high-water mark, MiB. */
  async peakRssMb(): Promise<number> {
    return (await this.request({ op: 'rss' })).peak_rss_mb ?? 0
  }

  close(): void {
    if (this.exited) return
    this.child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n')
    this.exited = 'closed'
  }
}
