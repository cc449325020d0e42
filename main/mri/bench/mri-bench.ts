import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchMachine, timeAsync, type BenchMachine } from '../../core/bench-timing'
import { centredAffine, makePhantom } from '../../imaging/fixtures/phantom'
import { labelSurfaces, presentLabels } from '../../imaging/mesh'
import { readNifti, writeNifti } from '../../imaging/nifti'
import { loadDisplayVolume } from '../display-volume'

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
  total_s: number
}

export interface MriBenchOptions {
  /** One repetition and a 128^3 volume: a smoke run, not figures. */
  quick?: boolean
  log?: (line: string) => void
}

export async function runMriBench(options: MriBenchOptions = {}): Promise<MriBenchResult> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const reps = options.quick ? { warmup: 0, measured: 1 } : { warmup: 1, measured: 5 }
  const dir = mkdtempSync(join(tmpdir(), 'percept-mri-bench-'))
  try {
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
    return {
      date: new Date().toISOString(),
      machine: benchMachine(),
      size: n,
      load_cube_ms,
      load_ch2better_ms,
      mesh_all_labels: { atlas: atlas.name, labels: labels.length, triangles, ms },
      repetitions: reps,
      total_s: Math.round((performance.now() - started) / 100) / 10,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatMriBench(r: MriBenchResult): string {
  const pair = (p: { read: number; display: number }) => `read ${p.read} ms, ready to view ${p.display} ms`
  return [
    `${r.size}^3 int16 .nii.gz (LPS): ${pair(r.load_cube_ms)}`,
    `ch2better 301x370x316: ${r.load_ch2better_ms ? pair(r.load_ch2better_ms) : 'not installed (apt install mricron-data)'}`,
    `surfaces of all ${r.mesh_all_labels.labels} labels of ${r.mesh_all_labels.atlas}: ${r.mesh_all_labels.ms} ms, ${r.mesh_all_labels.triangles} triangles`,
    `(median of ${r.repetitions.measured} after ${r.repetitions.warmup} warm-up; ${r.total_s} s in all)`,
  ].join('\n')
}
