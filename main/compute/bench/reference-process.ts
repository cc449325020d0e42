import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/*
 * The PyTorch yardsticks of the benchmarks are Python scripts of the source checkout (scripts/reference/),
 * run by a Python that has torch. The long-lived ones answer one JSON request a line on stdin with one
 * JSON line on stdout, the first line saying {"torch", "threads"} or {"error"}; this is that protocol,
 * shared by every benchmark that interleaves its repetitions with PyTorch's.
 */

/** scripts/reference/<name>, looked for above `from` (main/<domain>/bench in the sources, out/main when built). */
export function locateReferenceScript(name: string, from: string): string | null {
  const relative = join('scripts', 'reference', name)
  let dir = dirname(fileURLToPath(from))
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, relative))) return join(dir, relative)
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

export interface ReferenceAnswer {
  error?: string
  torch?: string
  threads?: number
}

/** One running reference script. Requests go one at a time; `close()` ends it. */
export class ReferenceProcess<A extends ReferenceAnswer = ReferenceAnswer> {
  private readonly answers: ((answer: A) => void)[] = []
  private readonly queued: A[] = []
  private exited: string | null = null
  /** torch.__version__ and torch.get_num_threads(), once started. */
  torch = ''
  threads = 0

  /** Use `launch`, which waits for the script's first answer. */
  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly python: string,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: A
      try {
        answer = JSON.parse(line) as A
      } catch {
        answer = { error: `unexpected output: ${line.slice(0, 200)}` } as A
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
      for (const waiter of this.answers.splice(0)) waiter({ error: this.exited } as A)
    }
    child.on('error', (error) => end(error.message))
    child.on('exit', (code) => {
      // The line that names the error (Python's traceback ends with it; Node's prints it mid-way).
      const lines = stderr.trim().split('\n').filter((l) => l.trim())
      const line = [...lines].reverse().find((l) => /^\w*(Error|Exception)\b/.test(l.trim())) ?? lines.pop()
      end(`the script exited (code ${code})${line ? `: ${line.trim()}` : ''}`)
    })
  }

  private next(): Promise<A> {
    const ready = this.queued.shift()
    if (ready) return Promise.resolve(ready)
    if (this.exited) return Promise.resolve({ error: this.exited } as A)
    return new Promise((resolve) => this.answers.push(resolve))
  }

  /** Sends one request and waits for its answer; an answer with `error` rejects. */
  protected async request(message: object): Promise<A> {
    if (this.exited) throw new Error(this.exited)
    this.child.stdin.write(JSON.stringify(message) + '\n')
    const answer = await this.next()
    if (answer.error) throw new Error(answer.error)
    return answer
  }

  /**
   * Starts `script args...` with the first of `pythons` whose first answer names torch; rejects with each
   * Python's reason when none does.
   */
  static async launch<T extends ReferenceProcess<ReferenceAnswer>>(
    this: new (child: ChildProcessWithoutNullStreams, python: string) => T,
    script: string,
    args: string[],
    pythons: string[],
  ): Promise<T> {
    const reasons: string[] = []
    for (const python of pythons) {
      const reference = new this(spawn(python, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }), python)
      const hello = await reference.next()
      if (!hello.error && hello.torch) {
        reference.torch = hello.torch
        reference.threads = hello.threads ?? 0
        return reference
      }
      reasons.push(`${python}: ${hello.error ?? 'no answer'}`)
      reference.close()
    }
    throw new Error(`no Python with PyTorch here (${reasons.join('; ')})`)
  }

  close(): void {
    if (this.exited) return
    this.child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n')
    this.exited = 'closed'
  }
}
