/**
 * PyTorch's time for the same segmentation network: scripts/reference/mri_segmentation_bench.py --serve, started
 * with a Python that has torch (Debian's python3-torch on the machine the issue measured), builds the network of
 * network.ts in PyTorch and times a training step or an inference on request, so that the benchmark interleaves
 * its own repetitions with PyTorch's round by round: background work then slows both alike. Where the script
 * (a file of the source checkout) or torch is missing, the comparison is skipped with a note saying which.
 */
import { locateReferenceScript, pythonCandidates, ReferenceProcess, type ReferenceAnswer } from '../../compute/bench/reference-process'
import type { ChannelPlan, KernelMode } from '../segmentation/network'

export { pythonCandidates }

export const TORCH_SCRIPT = 'scripts/reference/mri_segmentation_bench.py'
export const MISSING_TORCH_ADVICE = "install Debian's python3-torch (apt install python3-torch), or set PERCEPT_PYTHON to a Python that has torch"

/** The reference script, looked for above this module. */
export function locateTorchScript(from: string = import.meta.url): string | null {
  return locateReferenceScript('mri_segmentation_bench.py', from)
}

interface Answer extends ReferenceAnswer {
  params?: number
  ms?: number[]
  peak_rss_mb?: number
}

/** One running reference script (its --serve mode). */
export class TorchSegmentationReference extends ReferenceProcess<Answer> {
  /** Starts the script with the first Python that imports torch; rejects saying why none does. */
  static async start(threads: number, options: { script?: string | null; pythons?: string[] } = {}): Promise<TorchSegmentationReference> {
    const script = options.script === undefined ? locateTorchScript() : options.script
    if (!script) throw new Error(`${TORCH_SCRIPT} is not here (the comparison runs from a source checkout)`)
    const reference = await TorchSegmentationReference.launch(script, ['--serve', '--threads', String(threads)], options.pythons ?? pythonCandidates())
    reference.threads ||= threads
    return reference
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
}
