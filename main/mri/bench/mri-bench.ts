import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchMachine, timeAsync, type BenchMachine } from '../../core/bench-timing'
import { centredAffine, makePhantom } from '../../imaging/fixtures/phantom'
import { labelSurfaces, presentLabels } from '../../imaging/mesh'
import { readNifti, writeNifti } from '../../imaging/nifti'
import { loadDisplayVolume } from '../display-volume'
import { defaultIntraOpThreads } from '../../compute/onnx'
import { KERNEL_MODES, type KernelMode } from '../segmentation/network'
import { benchEndToEnd, benchOnnxInference, benchTrainingSteps, TorchSide, type EndToEndFigures, type InferenceFigures, type TrainStepFigures } from './segmentation-bench'
import { MISSING_TORCH_ADVICE, TorchSegmentationReference } from './torch-reference'

/** mricron-data's templates, where Debian installs them. */
const templates = '/usr/share/mricron/templates'

export interface MriBenchResult {
  date: string
  machine: BenchMachine
  /** Edge of the cube volume: 256 (128 with --quick). */
  size: number
  /** A size^3 int16 .nii.gz stored LPS: reading it, and everything the viewer waits for (read, RAS+ reorientation, float32, window percentiles). */
  load_cube_ms: { read: number; display: number }
  /** The same for mricron-data's ch2better (301 x 370 x 316 uint8, 0.5 mm), null where it is not installed. */
  load_ch2better_ms: { read: number; display: number } | null
  /** Surfaces of every label of an atlas (marching cubes, 10 Taubin iterations, 50% simplification). */
  mesh_all_labels: { atlas: string; labels: number; triangles: number; ms: number }
  repetitions: { warmup: number; measured: number }
  /** Brain-structure segmentation (issue 13): segmentation-bench.ts says what each figure is. */
  segmentation: {
    /** The TF.js backend the training steps ran on. */
    backend: string
    train_step: TrainStepFigures
    infer_onnx: InferenceFigures
    end_to_end: EndToEndFigures
    /** Median of `measured` runs after `warmup` (training steps and inference); end to end: one first run, then `measured`. */
    repetitions: { warmup: number; measured: number }
  }
  /**
   * PyTorch's time for the same network (scripts/reference/mri_segmentation_bench.py: the same plan, kernel sizes,
   * Gabor kernels materialised from their 8 parameters in the torch graph, GN(4), deep supervision), interleaved
   * with ours round by round; null where it was skipped (`torch_note` says why). `ratio`: our time over PyTorch's,
   * the median of the rounds' ratios (above 1: we are slower). `parameters_match`: its parameter count equals
   * TF.js's in every mode (the two are the same network).
   */
  torch: {
    torch: string
    python: string
    threads: number
    parameters: Record<KernelMode, number>
    parameters_match: boolean
    train_step_ms: Record<KernelMode, number>
    infer_mixed_ms: number
    ratio: { train_step: Record<KernelMode, number>; infer: number }
    peak_rss_mb: number
  } | null
  torch_note?: string
  /**
   * This process's RSS high-water mark (MiB) after each part, in the order they ran: segmenting (first, as a
   * person would), the viewer's loads, ONNX inference, training steps. The mark only rises: a part's own peak
   * shows where it raises it. PyTorch's process reports its own (torch.peak_rss_mb).
   */
  peak_rss_mb: { after_segment: number; after_viewer: number; after_inference: number; after_training: number }
  total_s: number
}

export interface MriBenchOptions {
  /** One repetition and a 128^3 volume (segmentation: 16^3 and 32^3 cubes, a small phantom head): a smoke run, not figures. */
  quick?: boolean
  log?: (line: string) => void
  /** The app's bundled models (models/), whose segmentation model the end-to-end run uses; null: one is made. */
  bundledDir?: string | null
  /** Leave PyTorch out (torch_note says so). */
  skipTorch?: boolean
  /** torch.set_num_threads; default the threads our side uses (onnxruntime's intra-op threads: every core). */
  torchThreads?: number
}

/** PyTorch started, or why not. */
async function startTorch(options: MriBenchOptions, log: (line: string) => void): Promise<TorchSide> {
  if (options.skipTorch) return new TorchSide(null, 'left out (skipTorch)')
  try {
    const reference = await TorchSegmentationReference.start(options.torchThreads ?? defaultIntraOpThreads())
    log(`PyTorch ${reference.torch} (${reference.python}, ${reference.threads} threads) runs beside ours, interleaved`)
    return new TorchSide(reference)
  } catch (error) {
    const note = `PyTorch comparison skipped: ${(error as Error).message}; ${MISSING_TORCH_ADVICE}`
    log(note)
    return new TorchSide(null, note)
  }
}

/** The process's RSS high-water mark, MiB. */
function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}

export async function runMriBench(options: MriBenchOptions = {}): Promise<MriBenchResult> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const reps = options.quick ? { warmup: 0, measured: 1 } : { warmup: 1, measured: 5 }
  const dir = mkdtempSync(join(tmpdir(), 'percept-mri-bench-'))
  try {
    const quick = Boolean(options.quick)
    const segReps = quick ? { warmup: 0, measured: 1 } : { warmup: 1, measured: 3 }
    // Segmenting first, so that its memory peak is seen before the training's larger one.
    const end_to_end = await benchEndToEnd({ quick, reps: segReps, dir, templates, bundledDir: options.bundledDir ?? null, log })
    const afterSegment = peakRssMb()

    const n = options.quick ? 128 : 256
    log(`writing a ${n}^3 int16 phantom (LPS)`)
    // LPS, as DICOM-derived files often are, so the reorientation to RAS+ does real work.
    const ras = centredAffine([n, n, n], [1, 1, 1])
    const lps = [-ras[0], 0, 0, -ras[3], 0, -ras[5], 0, -ras[7], ...ras.slice(8)] as typeof ras
    const phantom = makePhantom({ dims: [n, n, n], affine: lps, noise: 4 })
    const file = join(dir, `phantom-${n}.nii.gz`)
    await writeNifti(file, phantom, { datatype: 'int16' })

    log(`loading the ${n}^3 volume`)
    const load_cube_ms = {
      read: await timeAsync(reps.warmup, reps.measured, () => readNifti(file)),
      display: await timeAsync(reps.warmup, reps.measured, () => loadDisplayVolume(file, { kind: 'image' })),
    }
    let load_ch2better_ms: MriBenchResult['load_ch2better_ms'] = null
    const ch2 = join(templates, 'ch2better.nii.gz')
    if (existsSync(ch2)) {
      log('loading ch2better')
      load_ch2better_ms = {
        read: await timeAsync(reps.warmup, reps.measured, () => readNifti(ch2)),
        display: await timeAsync(reps.warmup, reps.measured, () => loadDisplayVolume(ch2, { kind: 'image' })),
      }
    }

    const aal = join(templates, 'aal.nii.gz')
    const atlas = existsSync(aal) ? { name: 'aal (116 labels, 181 x 217 x 181)', volume: (await readNifti(aal)).volume } : { name: 'phantom labels', volume: makePhantom({ kind: 'labels', dims: [n, n, n], affine: lps }) }
    const labels = presentLabels(atlas.volume)
    log(`meshing ${labels.length} labels of ${atlas.name}`)
    let triangles = 0
    const ms = await timeAsync(reps.warmup, reps.measured, async () => {
      const surfaces = await labelSurfaces(atlas.volume, labels)
      triangles = surfaces.reduce((sum, s) => sum + s.mesh.indices.length / 3, 0)
    })
    const afterViewer = peakRssMb()

    const torchSide = await startTorch(options, log)
    let torch: MriBenchResult['torch'] = null
    let infer_onnx: InferenceFigures
    let trained: Awaited<ReturnType<typeof benchTrainingSteps>>
    let afterInference: number
    let afterTraining: number
    try {
      infer_onnx = await benchOnnxInference({ quick, reps: segReps, log }, torchSide)
      afterInference = peakRssMb()
      trained = await benchTrainingSteps({ quick, reps: segReps, log }, torchSide)
      afterTraining = peakRssMb()
      const reference = torchSide.reference
      const t = torchSide
      if (reference && t.infer_ms !== null && t.infer_ratio !== null && KERNEL_MODES.every((m) => t.train_step_ms[m] !== undefined)) {
        const parameters = t.parameters as Record<KernelMode, number>
        torch = {
          torch: reference.torch,
          python: reference.python,
          threads: reference.threads,
          parameters,
          parameters_match: KERNEL_MODES.every((m) => parameters[m] === trained.figures.parameters[m]),
          train_step_ms: t.train_step_ms as Record<KernelMode, number>,
          infer_mixed_ms: t.infer_ms,
          ratio: { train_step: t.train_step_ratio as Record<KernelMode, number>, infer: t.infer_ratio },
          peak_rss_mb: await reference.peakRssMb().catch(() => 0),
        }
      }
    } finally {
      torchSide.reference?.close()
    }
    const torch_note = torch ? undefined : (torchSide.note ?? 'PyTorch did not answer every task')
    const { backend, figures: train_step } = trained
    return {
      date: new Date().toISOString(),
      machine: benchMachine(),
      size: n,
      load_cube_ms,
      load_ch2better_ms,
      mesh_all_labels: { atlas: atlas.name, labels: labels.length, triangles, ms },
      repetitions: reps,
      segmentation: {
        backend,
        train_step,
        infer_onnx,
        end_to_end,
        repetitions: segReps,
      },
      torch,
      ...(torch_note ? { torch_note } : {}),
      peak_rss_mb: { after_segment: afterSegment, after_viewer: afterViewer, after_inference: afterInference, after_training: afterTraining },
      total_s: Math.round((performance.now() - started) / 100) / 10,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatMriBench(r: MriBenchResult): string {
  const pair = (p: { read: number; display: number }) => `read ${p.read} ms, ready to view ${p.display} ms`
  const seg = r.segmentation
  const t = r.torch
  const plan = seg.train_step.plan
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v} ms`)
  const beside = (ours: number, theirs: number | undefined, ratio: number | undefined) => (theirs === undefined ? ms(ours) : `${ms(ours)}  (PyTorch ${ms(theirs)}, ${ratio}x)`)
  const e = seg.end_to_end
  return [
    `${r.size}^3 int16 .nii.gz (LPS): ${pair(r.load_cube_ms)}`,
    `ch2better 301x370x316: ${r.load_ch2better_ms ? pair(r.load_ch2better_ms) : 'not installed (apt install mricron-data)'}`,
    `surfaces of all ${r.mesh_all_labels.labels} labels of ${r.mesh_all_labels.atlas}: ${r.mesh_all_labels.ms} ms, ${r.mesh_all_labels.triangles} triangles`,
    `(median of ${r.repetitions.measured} after ${r.repetitions.warmup} warm-up)`,
    '',
    `Segmentation network (base ${plan.baseFilters}, blocks ${plan.blocks.join(',')}, ${plan.labels} outputs, batch 1, PCC, Nadam; TF.js ${seg.backend})`,
    ...KERNEL_MODES.map(
      (m) => `  training step ${seg.train_step.size}^3, ${m.padEnd(12)} ${beside(seg.train_step.ms[m], t?.train_step_ms[m], t?.ratio.train_step[m])}  [${seg.train_step.parameters[m]} parameters]`,
    ),
    `  ONNX inference ${seg.infer_onnx.size}^3, ${seg.infer_onnx.mode} (onnxruntime CPU, ${seg.infer_onnx.threads} threads, ${seg.infer_onnx.onnx_mb} MB): ${beside(seg.infer_onnx.ms, t?.infer_mixed_ms, t?.ratio.infer)}`,
    `  end to end, ${e.input} ${e.dims.join('x')}: first ${e.first_s} s (model opened too), then ${e.median_s} s; model ${e.model.id}${e.model.made ? ' (made here, untrained, the bundled shape)' : ''}, ${e.model.patch.join('x')} cube`,
    t
      ? `  PyTorch ${t.torch} (${t.python}, ${t.threads} threads, interleaved with ours; ratio = ours / PyTorch): parameters ${t.parameters_match ? 'equal ours in every mode' : 'DIFFER from ours'}; its peak RSS ${t.peak_rss_mb} MiB`
      : `  PyTorch: ${r.torch_note ?? 'skipped'}`,
    `  peak RSS (MiB, cumulative): after segmenting ${r.peak_rss_mb.after_segment}, viewer ${r.peak_rss_mb.after_viewer}, inference ${r.peak_rss_mb.after_inference}, training ${r.peak_rss_mb.after_training}`,
    `  (median of ${seg.repetitions.measured} after ${seg.repetitions.warmup} warm-up; ${r.total_s} s in all)`,
  ].join('\n') + '\n'
}
