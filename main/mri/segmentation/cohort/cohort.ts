import { existsSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { writeJsonAtomic } from '../../../core/atomic-file'
import { PerceptError } from '../../../core/errors'
import { readColorTable, writeColorTable } from '../../../imaging/labels'
import { readNifti, writeNifti } from '../../../imaging/nifti'
import { DEFAULT_SYNTHESIS, prepareTemplate, synthesizeSubject, validateSynthesisOptions, type SubjectRecord, type SynthesisOptions, type Template } from './deform'
import { applyGrouping, groupAalLabels, STRUCTURES, structureColorTable, type UnassignedLabel } from './structures'

/**
 * The fixture cohort of issue 13: many synthetic subjects from the one head the AAL atlas was drawn on
 * (Colin Holmes' ch2, shipped by Debian's mricron-data), each deformed, re-biased, rescaled, noised
 * and put on a grid of its own (deform.ts), in the layout dataset.ts reads:
 *
 *   dir/train/<id>_t1.nii.gz  <id>_labels.nii.gz  <id>_labels.label   (ITK-SNAP colour table of the 19 structures)
 *   dir/test/...                                                      (held-out subjects)
 *   dir/cohort.json                                                   what was generated, from what, with which seeds
 *
 * Subject i of a split always gets the same seed from the cohort's seed, so a larger cohort extends a
 * smaller one and its test subjects do not change with the number of training subjects.
 */

/** Where Debian's mricron-data installs its templates and atlases. */
export const MRICRON_TEMPLATES_DIR = '/usr/share/mricron/templates'
export const MRICRON_PACKAGE = 'mricron-data'

export const COHORT_SOURCES = ['ch2', 'ch2better'] as const
export type CohortSource = (typeof COHORT_SOURCES)[number]

export const COHORT_NOTICE =
  'Synthetic subjects: the anatomy of a single template (the ch2 head that the AAL atlas was drawn on), deformed, ' +
  'with bias fields, intensity rescaling, noise, fields of view and voxel orders of their own. Not real patients; not for clinical use.'

/** Hard limits that keep a typo from filling the disk (a 1 mm subject takes about 10 MB). */
export const MAX_COHORT_SUBJECTS = 1000

/** A template ready to draw subjects from, and where it came from. */
export interface LoadedTemplate {
  name: string
  template: Template
  /** The files it was read from (absolute paths), by role. */
  files: { image: string; labels: string; names?: string }
  /** AAL labels that found no structure (reported, left as background). */
  unassigned: UnassignedLabel[]
}

/**
 * ch2 (whole head, 1 mm) or ch2better (brain, 0.5 mm) with AAL grouped into the 19 structures. A missing
 * file is NOT_FOUND naming the Debian package.
 */
export async function loadMricronTemplate(source: CohortSource, templatesDir = MRICRON_TEMPLATES_DIR): Promise<LoadedTemplate> {
  if (!COHORT_SOURCES.includes(source)) {
    throw new PerceptError('VALIDATION', `The source is one of ${COHORT_SOURCES.join(', ')}, got ${String(source)}.`)
  }
  const dir = resolve(templatesDir)
  const files = { image: join(dir, `${source}.nii.gz`), labels: join(dir, 'aal.nii.gz'), names: join(dir, 'aal.nii.txt') }
  const missing = Object.values(files).filter((f) => !existsSync(f))
  if (missing.length > 0) {
    throw new PerceptError(
      'NOT_FOUND',
      `The cohort is made from the templates of Debian's ${MRICRON_PACKAGE} package, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. ` +
        `Install it (sudo apt install ${MRICRON_PACKAGE}) or give the folder that holds ${source}.nii.gz, aal.nii.gz and aal.nii.txt.`,
    )
  }
  const [{ volume: image }, { volume: aal }, names] = await Promise.all([readNifti(files.image), readNifti(files.labels), readColorTable(files.names)])
  const { lookup, unassigned } = groupAalLabels(names)
  const labels = { ...aal, data: applyGrouping(aal.data, lookup), datatype: 'uint8' as const }
  return { name: source, template: prepareTemplate(image, labels), files, unassigned }
}

export interface CohortOptions {
  /** Training subjects (1 or more). */
  subjects: number
  /** Held-out subjects (0 or more). */
  testSubjects: number
  /** Whole number 0 .. 2^32 - 1. */
  seed: number
  source: CohortSource
  /** Folder of the mricron-data templates; default Debian's. */
  templatesDir?: string
  /** A template already loaded (tests use a small one); `source` and `templatesDir` are then not read. */
  template?: LoadedTemplate
  synthesis?: Partial<SynthesisOptions>
  /** Called after each subject is written, with the seconds it took (drawn and written). */
  onSubject?: (subject: CohortSubject, done: number, total: number, seconds: number) => void
}

export interface CohortSubject extends SubjectRecord {
  id: string
  split: 'train' | 'test'
  /** Paths relative to the cohort folder. */
  image: string
  labels: string
  colorTable: string
}

export interface CohortManifest {
  format: 'percept-mri-cohort'
  version: 1
  notice: string
  seed: number
  source: { name: string; files: LoadedTemplate['files']; package: string; unassignedAalLabels: UnassignedLabel[] }
  synthesis: SynthesisOptions
  structures: { id: number; name: string }[]
  subjects: CohortSubject[]
}

/** fmix32 of MurmurHash3 (Appleby): scrambles the bits so nearby inputs give unrelated seeds. */
function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The seed of subject `index` (from 0) of a split, from the cohort's seed. */
export function subjectSeed(seed: number, split: 'train' | 'test', index: number): number {
  return fmix32(fmix32(seed ^ (split === 'train' ? 0x1b873593 : 0xcc9e2d51)) + index)
}

export const subjectId = (split: 'train' | 'test', index: number): string => `${split}-${String(index + 1).padStart(3, '0')}`

function checkCount(name: string, value: number, least: number): void {
  if (!Number.isInteger(value) || value < least || value > MAX_COHORT_SUBJECTS) {
    throw new PerceptError('VALIDATION', `${name} must be a whole number from ${least} to ${MAX_COHORT_SUBJECTS}, got ${value}.`)
  }
}

/** A new folder, or an empty one: a cohort never mixes with files already there. */
async function prepareFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    if (error.code === 'ENOTDIR') throw new PerceptError('VALIDATION', `${dir} is a file; give a folder for the cohort.`)
    throw new PerceptError('INVALID_FILE', `Cannot read the folder ${dir}: ${error.message}`)
  })
  if (entries.length > 0) {
    throw new PerceptError('VALIDATION', `${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): give a new or empty folder for the cohort.`)
  }
  await mkdir(dir, { recursive: true })
}

/** Writes the cohort (see the header) and returns its manifest, also written as dir/cohort.json (last). */
export async function writeCohort(dir: string, options: CohortOptions): Promise<CohortManifest> {
  checkCount('The number of training subjects', options.subjects, 1)
  checkCount('The number of test subjects', options.testSubjects, 0)
  if (options.subjects + options.testSubjects > MAX_COHORT_SUBJECTS) {
    throw new PerceptError('VALIDATION', `At most ${MAX_COHORT_SUBJECTS} subjects in all, got ${options.subjects + options.testSubjects}.`)
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new PerceptError('VALIDATION', `The seed must be a whole number from 0 to ${0xffffffff}, got ${options.seed}.`)
  }
  const synthesis: SynthesisOptions = { ...DEFAULT_SYNTHESIS, ...options.synthesis }
  validateSynthesisOptions(synthesis)
  const root = resolve(dir)
  const loaded = options.template ?? (await loadMricronTemplate(options.source, options.templatesDir))
  await prepareFolder(root)

  const colors = structureColorTable()
  const plan = [
    ...Array.from({ length: options.subjects }, (_, index) => ({ split: 'train' as const, index })),
    ...Array.from({ length: options.testSubjects }, (_, index) => ({ split: 'test' as const, index })),
  ]
  const subjects: CohortSubject[] = []
  for (const { split, index } of plan) {
    const id = subjectId(split, index)
    const started = performance.now()
    const { image, labels, record } = synthesizeSubject(loaded.template, subjectSeed(options.seed, split, index), synthesis)
    const files = { image: `${split}/${id}_t1.nii.gz`, labels: `${split}/${id}_labels.nii.gz`, colorTable: `${split}/${id}_labels.label` }
    const description = `percept cohort ${loaded.name} ${id} seed ${record.seed}`
    await writeNifti(join(root, files.image), image, { qform: { code: 1 }, sform: { code: 1 }, description })
    await writeNifti(join(root, files.labels), labels, { qform: { code: 1 }, sform: { code: 1 }, description })
    await writeColorTable(join(root, files.colorTable), colors)
    const subject: CohortSubject = { id, split, ...files, ...record }
    subjects.push(subject)
    options.onSubject?.(subject, subjects.length, plan.length, (performance.now() - started) / 1000)
  }

  const manifest: CohortManifest = {
    format: 'percept-mri-cohort',
    version: 1,
    notice: COHORT_NOTICE,
    seed: options.seed,
    source: { name: loaded.name, files: loaded.files, package: MRICRON_PACKAGE, unassignedAalLabels: loaded.unassigned },
    synthesis,
    structures: STRUCTURES.map(({ id, name }) => ({ id, name })),
    subjects,
  }
  await writeJsonAtomic(join(root, 'cohort.json'), manifest)
  return manifest
}
