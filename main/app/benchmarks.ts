import { formatAudioBench, runAudioBench } from '../audio/bench/audio-bench'
import { formatComputeBench, runComputeBench } from '../compute/bench/compute-bench'
import { formatFacesBench, runFacesBench } from '../faces/bench/faces-bench'
import { formatMriBench, runMriBench } from '../mri/bench/mri-bench'
import { locateJobWorker } from '../core/jobs/worker-entry'
import { formatEscBench, runEscBench } from '../sound/bench/esc-bench'

export interface BenchOptions {
  /** One repetition and the smallest inputs: a smoke run, not figures. */
  quick: boolean
  log: (line: string) => void
}

interface Benchmark {
  description: string
  run(options: BenchOptions): Promise<{ date: string }>
  format(result: { date: string }): string
}

function benchmark<R extends { date: string }>(description: string, run: (o: BenchOptions) => Promise<R>, format: (r: R) => string): Benchmark {
  return { description, run, format: format as (r: { date: string }) => string }
}

/** Every benchmark, by the name `percept bench <name>` and `bench/run.ts <name>` take. */
export const benchmarks: Record<string, Benchmark> = {
  compute: benchmark('TF.js ops and a training step on every backend that loads, and onnxruntime inference (ms per item)', runComputeBench, formatComputeBench),
  audio: benchmark('log-mel + delta throughput, resampling, and opening a 1-hour file (decode, loudness, peaks)', runAudioBench, formatAudioBench),
  mri: benchmark('loading a 256^3 volume and ch2better for the viewer, and the surfaces of every label of an atlas', runMriBench, formatMriBench),
  esc: benchmark(
    "sound classification: a training step of the 'dilated' preset at batch 32, features + ONNX inference of a clip, and training's features of 4 s clips (clips/s)",
    // Training's feature threads, as a sound.train job starts them.
    (options) => runEscBench({ ...options, featureThreads: { entry: locateJobWorker(import.meta.url, 'feature-worker') } }),
    formatEscBench,
  ),
  faces: benchmark(
    'low-resolution face recognition (SLRFR): identification per probe at 7x6 for 68 people, K-SVD per class, relighting per 48x40 image (ms)',
    async (options) => runFacesBench(options),
    formatFacesBench,
  ),
}
