import * as tf from '@tensorflow/tfjs-core'
import { spawnSync } from 'node:child_process'
import { median } from '../../core/bench-timing'
import { missingTorchAdvice } from '../../compute/bench/pytorch-comparison'
import { locateReferenceScript, pythonCandidates } from '../../compute/bench/reference-process'
import { applyLayers, layerSizes, variablesOf, type DenseLayer } from '../model/mlp'
import { autoEncoderLayers } from '../model/tied-autoencoder'
import type { VoiceWidths } from '../model/voice-config'
import { buildVoiceNetworks, disposeVoiceNetworks, spectralLayers } from '../model/voice-networks'

/*
 * One training step (forward, MSE, backward, Adam: what fit.ts's trainEpoch does per batch) of each network
 * of a voice in TF.js, and the same network in PyTorch (scripts/reference/tts_train_step.py) when a Python
 * with torch is found (compute/bench's candidates: PERCEPT_PYTHON, python3, Debian's system python3). Adam
 * and dense layers only, which compute/bench's torch_bench.py (convolutions, SGD) does not build. The MDNN stack is the bottleneck DNN with the tied decoder (Fig. 3, step 3); in PyTorch its
 * decoder is untied, the same arithmetic.
 */

export const benchNetworks = ['acoustic', 'autoencoder', 'stacked', 'postFilter', 'duration'] as const
export type BenchNetwork = (typeof benchNetworks)[number]

export interface NetworkStep {
  /** Layer sizes, input to output. */
  sizes: number[]
  parameters: number
  tfjs_ms: number
  torch_ms: number | null
  /** tfjs_ms / torch_ms: above 1, TF.js is slower. */
  ratio: number | null
}

export interface TrainingStepsResult {
  batch: number
  backend: string
  torch: { version: string; threads: number } | null
  /** Why PyTorch was skipped, when it was. */
  torch_note: string | null
  networks: Record<BenchNetwork, NetworkStep>
}

interface NetworkSpec {
  name: BenchNetwork
  layers: DenseLayer[]
  sizes: number[]
  output: 'linear' | 'sigmoid'
  tied: boolean
}

function sizesOf(layers: readonly DenseLayer[]): number[] {
  return [layerSizes(layers[0]!).inputs, ...layers.map((l) => layerSizes(l).units)]
}

async function tfjsStepMs(layers: DenseLayer[], batch: number, warmup: number, measured: number): Promise<number> {
  const sizes = sizesOf(layers)
  const variables = variablesOf(layers)
  const optimizer = tf.train.adam(1e-3)
  const x = tf.randomUniform([batch, sizes[0]!], 0, 1, 'float32', 1)
  const y = tf.randomUniform([batch, sizes[sizes.length - 1]!], 0, 1, 'float32', 2)
  const times: number[] = []
  try {
    for (let i = 0; i < warmup + measured; i++) {
      const started = performance.now()
      const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, applyLayers(layers, x as tf.Tensor2D)) as tf.Scalar, true, variables)!
      await loss.data()
      loss.dispose()
      if (i >= warmup) times.push(performance.now() - started)
    }
  } finally {
    tf.dispose([x, y])
    optimizer.dispose()
  }
  return median(times)
}

/** A Python that imports torch, or why there is none. */
export function findTorchPython(): { python: string } | { note: string } {
  const candidates = [...new Set(pythonCandidates())]
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 })
    if (probe.status === 0) return { python }
  }
  return { note: `no Python with torch found (tried ${candidates.join(', ')}): ${missingTorchAdvice}` }
}

function torchSteps(specs: NetworkSpec[], batch: number, warmup: number, measured: number): { result: { torch: string; threads: number; networks: Record<string, number> } } | { note: string } {
  const script = locateReferenceScript('tts_train_step.py', import.meta.url)
  if (!script) return { note: 'scripts/reference/tts_train_step.py is not beside this build' }
  const found = findTorchPython()
  if ('note' in found) return found
  const spec = { threads: 2, batch, warmup, measured, networks: specs.map((s) => ({ name: s.name, sizes: s.sizes, output: s.output, tied: s.tied })) }
  const run = spawnSync(found.python, [script], { input: JSON.stringify(spec), encoding: 'utf8', timeout: 1_800_000, maxBuffer: 1 << 20 })
  if (run.status !== 0) return { note: `the PyTorch reference failed: ${(run.stderr || String(run.error ?? '')).trim().split('\n').pop()}` }
  return { result: JSON.parse(run.stdout) as { torch: string; threads: number; networks: Record<string, number> } }
}

/** A step of each network of `widths` at `batch`, TF.js beside PyTorch. */
export async function runTrainingSteps(widths: VoiceWidths, options: { batch: number; warmup: number; measured: number; backend: string; log: (line: string) => void }): Promise<TrainingStepsResult> {
  const nets = buildVoiceNetworks('mdnn', widths, 1)
  try {
    const specs: NetworkSpec[] = [
      { name: 'acoustic', layers: nets.acoustic, output: 'linear', tied: false },
      { name: 'autoencoder', layers: autoEncoderLayers(nets.autoencoder!), output: 'sigmoid', tied: true },
      { name: 'stacked', layers: spectralLayers(nets), output: 'sigmoid', tied: false },
      { name: 'postFilter', layers: nets.postFilter!, output: 'sigmoid', tied: false },
      { name: 'duration', layers: nets.duration, output: 'linear', tied: false },
    ].map((s) => ({ ...(s as Omit<NetworkSpec, 'sizes'>), sizes: sizesOf(s.layers) }))
    const tfjs: Partial<Record<BenchNetwork, number>> = {}
    for (const spec of specs) {
      options.log(`training step of the ${spec.name} network (${spec.sizes.join('-')}) at batch ${options.batch}, TF.js ${options.backend}`)
      tfjs[spec.name] = await tfjsStepMs(spec.layers, options.batch, options.warmup, options.measured)
    }
    options.log('the same steps in PyTorch')
    const torch = torchSteps(specs, options.batch, options.warmup, options.measured)
    const networks = Object.fromEntries(
      specs.map((spec) => {
        const t = 'result' in torch ? (torch.result.networks[spec.name] ?? null) : null
        const ms = tfjs[spec.name]!
        return [spec.name, { sizes: spec.sizes, parameters: variablesOf(spec.layers).reduce((n, v) => n + v.size, 0), tfjs_ms: ms, torch_ms: t, ratio: t ? Math.round((ms / t) * 100) / 100 : null }]
      }),
    ) as Record<BenchNetwork, NetworkStep>
    return {
      batch: options.batch,
      backend: options.backend,
      torch: 'result' in torch ? { version: torch.result.torch, threads: torch.result.threads } : null,
      torch_note: 'note' in torch ? torch.note : null,
      networks,
    }
  } finally {
    disposeVoiceNetworks(nets)
  }
}
