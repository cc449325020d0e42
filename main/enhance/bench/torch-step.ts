import { execFile } from 'node:child_process'
import { locateReferenceScript, pythonCandidates } from '../../compute/bench/reference-process'

/*
 * PyTorch's training step of the same network (scripts/reference/enhance_torch_step.py: back-propagation
 * for Unimodal and Multimodal, the burst rule with no autograd for MBURST), run by the first Python that
 * has torch. Never throws: without torch the answer says why.
 */

const scriptPath = 'scripts/reference/enhance_torch_step.py'

/** The script in the source checkout above this module. */
export function locateEnhanceTorchScript(from: string = import.meta.url): string | null {
  return locateReferenceScript('enhance_torch_step.py', from)
}

export type TorchStep = { available: true; torch: string; python: string; threads: number; ms: number[] } | { available: false; note: string }

function run(python: string, args: string[], timeoutMs: number): Promise<{ stdout: string; error: string | null }> {
  return new Promise((resolve) => {
    execFile(python, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({ stdout, error: error ? `${error.message.split('\n')[0]}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}` : null })
    })
  })
}

export async function torchTrainingStep(
  model: string,
  sizes: { convChannels: number; embedding: number; batch: number; reps: number; threads: number },
  timeoutMs = 600_000,
): Promise<TorchStep> {
  const script = locateEnhanceTorchScript()
  if (!script) return { available: false, note: `${scriptPath} is not beside this installation (it ships with the sources)` }
  const args = [script, '--model', model, '--conv-channels', String(sizes.convChannels), '--embedding', String(sizes.embedding), '--batch', String(sizes.batch), '--reps', String(sizes.reps), '--threads', String(sizes.threads)]
  const reasons: string[] = []
  for (const python of pythonCandidates()) {
    const { stdout, error } = await run(python, args, timeoutMs)
    const line = stdout.trim().split('\n').pop() ?? ''
    let answer: { error?: string; torch?: string; threads?: number; ms?: number[] } = {}
    try {
      answer = line ? (JSON.parse(line) as typeof answer) : {}
    } catch {
      answer = { error: `unreadable answer "${line.slice(0, 80)}"` }
    }
    if (!error && answer.ms && answer.torch) return { available: true, torch: answer.torch, python, threads: answer.threads ?? sizes.threads, ms: answer.ms }
    reasons.push(`${python}: ${answer.error ?? error ?? 'no answer'}`)
  }
  return { available: false, note: `PyTorch step skipped (${reasons.join('; ')}); install Debian's python3-torch, or set PERCEPT_PYTHON to a Python that has torch` }
}
