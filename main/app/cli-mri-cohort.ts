import { type Command, InvalidArgumentError } from 'commander'
import { resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { COHORT_SOURCES, MAX_COHORT_SUBJECTS, MRICRON_TEMPLATES_DIR, writeCohort, type CohortSource } from '../mri/segmentation/cohort/cohort'
import { printJson, wholeNumber } from './cli-options'

/** "1.2" (isotropic) or "1,1.5" (each axis drawn from the range). */
function voxelRange(value: string): [number, number] {
  const parts = value.split(',').map((v) => Number(v.trim()))
  const [low, high = low] = parts as [number, number?]
  if (parts.length > 2 || !parts.every((v) => Number.isFinite(v)) || !(low >= 0.5 && high >= low && high <= 8)) {
    throw new InvalidArgumentError('expected a voxel size in mm (0.5 to 8), or a range low,high such as 1,1.3.')
  }
  return [low, high]
}

/** `percept mri cohort`: the seeded fixture cohort for brain-structure segmentation (issue 13, item 5). */
export function registerMriCohortCommands(mri: Command): void {
  mri
    .command('cohort <dir>')
    .description(
      'write a synthetic training cohort (T1 + 19-structure labels, NIfTI) from the ch2 head and the AAL atlas of Debian\'s mricron-data: ' +
        'smooth deformations, bias fields, intensity rescaling, noise, fields of view and voxel orders; a single template\'s anatomy, not real patients',
    )
    .option('--subjects <n>', 'training subjects', wholeNumber(1, MAX_COHORT_SUBJECTS), 8)
    .option('--test-subjects <n>', 'held-out subjects', wholeNumber(0, MAX_COHORT_SUBJECTS), 2)
    .option('--seed <s>', 'seed of every random draw (same seed, same files)', wholeNumber(0, 0xffffffff), 1)
    .option('--source <name>', 'template image: ch2 (the whole head at 1 mm, scalp and skull included) or ch2better (the brain at 0.5 mm)', 'ch2')
    .option('--voxel-mm <mm>', 'voxel size of the subjects: mm, or a range low,high drawn per axis', voxelRange, [1, 1.3] as [number, number])
    .option('--templates <dir>', 'folder of the mricron-data templates', MRICRON_TEMPLATES_DIR)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { subjects: number; testSubjects: number; seed: number; source: string; voxelMm: [number, number]; templates: string; json?: boolean }) => {
      if (!(COHORT_SOURCES as readonly string[]).includes(opts.source)) {
        throw new PerceptError('VALIDATION', `--source is one of ${COHORT_SOURCES.join(', ')}, got ${opts.source}.`)
      }
      const started = performance.now()
      const seconds: number[] = []
      const manifest = await writeCohort(resolve(dir), {
        subjects: opts.subjects,
        testSubjects: opts.testSubjects,
        seed: opts.seed,
        source: opts.source as CohortSource,
        templatesDir: opts.templates,
        synthesis: { voxelMm: opts.voxelMm },
        onSubject: (subject, done, total, took) => {
          seconds.push(took)
          if (!opts.json) process.stdout.write(`${done}/${total} ${subject.split}/${subject.id}: ${subject.dims.join(' x ')} voxels, ${subject.orientation}, ${took.toFixed(1)} s\n`)
        },
      })
      const total = (performance.now() - started) / 1000
      const root = resolve(dir)
      if (opts.json) {
        return printJson({
          dir: root,
          manifest: 'cohort.json',
          source: manifest.source,
          seed: manifest.seed,
          subjects: manifest.subjects.map((s, i) => ({ id: s.id, split: s.split, image: s.image, labels: s.labels, colorTable: s.colorTable, dims: s.dims, voxelSizeMm: s.voxelSizeMm, orientation: s.orientation, seconds: seconds[i] })),
          seconds: total,
          notice: manifest.notice,
        })
      }
      const unassigned = manifest.source.unassignedAalLabels
      if (unassigned.length > 0) process.stdout.write(`AAL labels left as background: ${unassigned.map((u) => `${u.label} ${u.name} (${u.reason})`).join(', ')}\n`)
      process.stdout.write(`${manifest.subjects.length} subjects written to ${root} in ${total.toFixed(1)} s; see cohort.json. ${manifest.notice}\n`)
    })
}
