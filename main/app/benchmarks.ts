import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { formatAudioBench, runAudioBench } from '../audio/bench/audio-bench'
import { formatComputeBench, runComputeBench } from '../compute/bench/compute-bench'
import { compareTrainingSteps, formatPyTorchComparison } from '../compute/bench/pytorch-comparison'
import type { ProfiledNetwork } from '../compute/bench/step-profile'
import { formatFacesBench, runFacesBench } from '../faces/bench/faces-bench'
import { formatMriBench, runMriBench } from '../mri/bench/mri-bench'
import { bundledModelsDir } from './bundled-models'
import { locateJobWorker } from '../core/jobs/worker-entry'
import { formatEscBench, runEscBench } from '../sound/bench/esc-bench'
import { formatEnhanceBench, runEnhanceBench } from '../enhance/bench/enhance-bench'
import { formatTtsBench, runTtsBench } from '../tts/bench/tts-bench'
import { bundledVoiceIn } from '../tts/bundled-voice'
import { buildEscModel, PAPER_TRAINING, presetConfig } from '../sound/model'

export interface BenchOptions {
  /** One repetition and the smallest inputs: a smoke run, not figures. */
  quick: boolean
  log: (line: string) => void
  /** Also profile kernel by kernel, where the benchmark offers it (see Benchmark.profile). */
  profile?: boolean
}

interface Benchmark {
  description: string
  run(options: BenchOptions): Promise<{ date: string }>
  format(result: { date: string }): string
  /** What --profile adds, for a benchmark that offers it. */
  profile?: string
}

function benchmark<R extends { date: string }>(description: string, run: (o: BenchOptions) => Promise<R>, format: (r: R) => string, profile?: string): Benchmark {
  return { description, run, format: format as (r: { date: string }) => string, ...(profile ? { profile } : {}) }
}

/** The ESC 'dilated' preset's training step (the one `bench esc` times), profiled by `bench compute --profile` beside the reference CNN. */
export const dilatedNetwork: ProfiledNetwork = {
  name: "ESC 'dilated' preset",
  build: () => buildEscModel(presetConfig('dilated', 10)),
  batch: PAPER_TRAINING.batchSize,
  inputShape: [64, 41, 2],
  classes: 10,
}

/** Every benchmark, by the name `percept bench <name>` and `bench/run.ts <name>` take. */
export const benchmarks: Record<string, Benchmark> = {
  compute: benchmark(
    'TF.js ops and a training step on every backend that loads, and onnxruntime inference (ms per item)',
    (options) => runComputeBench({ ...options, profileNetworks: [dilatedNetwork] }),
    formatComputeBench,
    "a kernel-by-kernel profile of one training step (setup, forward, backward, optimizer, dispose) of the reference CNN and the ESC 'dilated' preset on each backend",
  ),
  audio: benchmark(
    'log-mel + delta throughput, resampling, and opening a 1-hour file (decode, loudness, peaks)',
    // The audio worker measures a long WAV in a second thread, as the editor's open does.
    (options) => runAudioBench({ ...options, scanThread: locateJobWorker(import.meta.url, 'audio-worker') }),
    formatAudioBench,
  ),
  mri: benchmark(
    'loading a 256^3 volume and ch2better for the viewer, the surfaces of every label of an atlas; brain segmentation: a training step per kernel mode at 64^3, ONNX inference at 128^3, a 1 mm head end to end, peak memory, with PyTorch beside where python3-torch is installed',
    (options) => runMriBench({ ...options, bundledDir: bundledModelsDir() }),
    formatMriBench,
  ),
  esc: benchmark(
    "sound classification: a training step of the 'dilated' preset at batch 32, features + ONNX inference of a clip, and training's features of 4 s clips (clips/s)",
    // Training's feature threads, as a sound.train job starts them; then the training step beside PyTorch's.
    async (options) => {
      const result = await runEscBench({ ...options, featureThreads: { entry: locateJobWorker(import.meta.url, 'feature-worker') } })
      return { ...result, pytorch: await compareTrainingSteps([dilatedNetwork], { quick: options.quick, threads: availableParallelism(), log: options.log }) }
    },
    (result) => formatEscBench(result) + formatPyTorchComparison(result.pytorch),
  ),
  faces: benchmark(
    'low-resolution face recognition (SLRFR): identification per probe at 7x6 for 68 people, K-SVD per class, relighting per 48x40 image (ms)',
    async (options) => runFacesBench(options),
    formatFacesBench,
  ),
  tts: benchmark(
    "text-to-speech: synthesis real-time factor per system at the paper's sizes (float32 and int8 graphs, per stage), the vocoder's analysis and synthesis (x real time), a training step per network beside PyTorch's",
    // Untrained paper-size graphs are cached in the workspace (their export takes minutes); the bundled voice is timed too.
    (options) => runTtsBench({ ...options, cacheDir: join(resolveWorkspaceHome(), 'cache'), trainedVoiceDir: bundledVoiceIn(bundledModelsDir()) ?? undefined }),
    formatTtsBench,
  ),
  enhance: benchmark(
    'speech enhancement: real-time factor per model (bundled and paper-size), streaming latency and time per frame, a training step per model at batch 16 beside PyTorch\'s',
    (options) => runEnhanceBench({ ...options, bundledDir: bundledModelsDir() }),
    formatEnhanceBench,
  ),
}
