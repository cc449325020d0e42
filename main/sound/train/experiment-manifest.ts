import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { crossValidationReportSchema, paperTableSchema, soundPresetRefSchema } from '../../api'
import { writeJsonAtomic } from '../../core/atomic-file'

/*
 * Experiments are kept under runs/experiments/ as JSON, two kinds side by side:
 * - tables `percept esc experiment` writes when every run has finished (table<N>-<time>.json, the
 *   Experiment of experiment.ts: each row carries its run's whole report), with the .md beside them;
 * - manifests sound.startExperiment writes when it queues the runs (experiment-<time>-<hex>.json):
 *   which preset each run trains and the settings they share. Its table is computed from the runs'
 *   reports whenever it is read; once every run is done the .md is written beside it.
 */

export const manifestFormat = 'percept.sound-experiment'

export const experimentManifestSchema = z.object({
  format: z.literal(manifestFormat),
  version: z.literal(1),
  id: z.string(),
  /** The paper's table when every preset is of one table, else null. */
  table: paperTableSchema.nullable(),
  dataset: z.object({ path: z.string(), name: z.string() }),
  folds: z.array(z.number().int()),
  epochs: z.number().int(),
  /** The sound.train input every run shares (all but the preset). */
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  jobs: z.array(z.object({ preset: soundPresetRefSchema, jobId: z.string() })),
})
export type ExperimentManifest = z.infer<typeof experimentManifestSchema>

/** `percept esc experiment`'s table file (experiment.ts Experiment), read back. */
export const experimentTableFileSchema = z.object({
  table: paperTableSchema,
  dataset: z.string(),
  folds: z.array(z.number().int()),
  epochs: z.number().int(),
  createdAt: z.string(),
  rows: z.array(z.object({ preset: soundPresetRefSchema, jobId: z.string(), report: crossValidationReportSchema })),
})
export type ExperimentTableFile = z.infer<typeof experimentTableFileSchema>

export type ExperimentFile = { id: string; source: 'app'; manifest: ExperimentManifest } | { id: string; source: 'cli'; table: ExperimentTableFile }

export function experimentsDir(runsDir: string): string {
  return join(runsDir, 'experiments')
}

/** A new manifest's id: sortable by time, unique within the millisecond. */
export function newExperimentId(now = new Date()): string {
  return `experiment-${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`
}

export async function writeManifest(runsDir: string, manifest: ExperimentManifest): Promise<string> {
  const path = join(experimentsDir(runsDir), `${manifest.id}.json`)
  await writeJsonAtomic(path, experimentManifestSchema.parse(manifest))
  return path
}

/** Every experiment file that parses as one of the two kinds; other JSON (and damaged files) is passed over. */
export async function readExperimentFiles(runsDir: string): Promise<ExperimentFile[]> {
  const dir = experimentsDir(runsDir)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const files: ExperimentFile[] = []
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    let json: unknown
    try {
      json = JSON.parse(await readFile(join(dir, name), 'utf8'))
    } catch {
      continue
    }
    const id = name.slice(0, -'.json'.length)
    const manifest = experimentManifestSchema.safeParse(json)
    if (manifest.success) {
      files.push({ id, source: 'app', manifest: manifest.data })
      continue
    }
    const table = experimentTableFileSchema.safeParse(json)
    if (table.success) files.push({ id, source: 'cli', table: table.data })
  }
  return files
}

/** job id -> experiment id, for every run an experiment names. */
export function experimentIndex(files: readonly ExperimentFile[]): Map<string, string> {
  const index = new Map<string, string>()
  for (const file of files) {
    const jobIds = file.source === 'app' ? file.manifest.jobs.map((j) => j.jobId) : file.table.rows.map((r) => r.jobId)
    for (const jobId of jobIds) if (!index.has(jobId)) index.set(jobId, file.id)
  }
  return index
}
