import { PerceptError } from '../../core/errors'
import { audioFileProblems } from './audio-check'
import type { DatasetProblem, SoundClass, SoundClip, SoundDataset, SoundDatasetLayout } from './types'

/** A clip as a layout reader found it, before the checks every layout shares. */
export interface ClipCandidate extends SoundClip {
  className: string
  /** What makes two entries the same clip: the file name as the metadata lists it, else the id. */
  key: string
  /** The metadata line it came from. */
  line?: number
}

export interface DatasetDraft {
  root: string
  layout: SoundDatasetLayout
  name: string
  candidates: ClipCandidate[]
  /** What the reader already found wrong. */
  problems: DatasetProblem[]
}

const where = (c: ClipCandidate) => (c.line === undefined ? c.id : `${c.id} (line ${c.line})`)

/**
 * The checks every layout shares: class ids and names agree across rows, no clip listed twice,
 * every file present and audio. All are reported and the offending clip left out (a disagreeing
 * class name only reported: the id is the label). Throws VALIDATION when no clip is left.
 */
export async function assembleDataset(draft: DatasetDraft): Promise<SoundDataset> {
  const problems = [...draft.problems]
  const classes = agreeOnClasses(draft.candidates, problems)
  const unique = dropDuplicates(draft.candidates, problems)
  const fileProblems = await audioFileProblems(unique.map((c) => ({ path: c.path, name: where(c) })))
  const clips: SoundClip[] = []
  unique.forEach((candidate, i) => {
    const problem = fileProblems[i]
    if (problem !== undefined) problems.push({ line: candidate.line, path: candidate.path, message: `${problem} Left out.` })
    else clips.push(toClip(candidate))
  })
  // Whole-data-set problems first, then by metadata line: the order a person reads the CSV in.
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  if (clips.length === 0) {
    const first = problems.slice(0, 3).map((p) => p.message)
    throw new PerceptError(
      'VALIDATION',
      `${draft.name} at ${draft.root} has no usable clip (${draft.candidates.length} listed, ${problems.length} problems). ` +
        (first.length > 0 ? `First: ${first.join(' ')}` : ''),
      { problems },
    )
  }
  if (classes.length < 2) {
    problems.unshift({ message: `${draft.name} has ${classes.length} class: a classifier needs at least two.` })
  }
  const folds = [...new Set(clips.map((c) => c.fold))].sort((a, b) => a - b)
  const count = <K>(key: (c: SoundClip) => K) => {
    const counts = new Map<K, number>()
    for (const clip of clips) counts.set(key(clip), (counts.get(key(clip)) ?? 0) + 1)
    return counts
  }
  const perClass = count((c) => c.classId)
  const perFold = count((c) => c.fold)
  return {
    root: draft.root,
    layout: draft.layout,
    name: draft.name,
    classes,
    folds,
    clips,
    problems,
    summary: {
      clips: clips.length,
      perClass: classes.map(({ id, name }) => ({ classId: id, name, clips: perClass.get(id) ?? 0 })),
      perFold: folds.map((fold) => ({ fold, clips: perFold.get(fold) ?? 0 })),
    },
  }
}

function toClip({ className: _name, key: _key, line: _line, ...clip }: ClipCandidate): SoundClip {
  return clip
}

/** Classes as the rows name them (first name wins); a disagreement is reported once per pair. */
function agreeOnClasses(candidates: ClipCandidate[], problems: DatasetProblem[]): SoundClass[] {
  const byId = new Map<number, { name: string; line?: number }>()
  const idByName = new Map<string, number>()
  const reported = new Set<string>()
  const once = (pair: string, problem: DatasetProblem) => {
    if (!reported.has(pair)) problems.push(problem)
    reported.add(pair)
  }
  for (const c of candidates) {
    const known = byId.get(c.classId)
    const seen = known?.line === undefined ? '' : ` on line ${known.line}`
    if (!known) byId.set(c.classId, { name: c.className, line: c.line })
    else if (known.name !== c.className) {
      once(`id ${c.classId}: ${c.className}`, {
        line: c.line,
        message:
          `Class ${c.classId} is called "${c.className}" at ${where(c)} but "${known.name}"${seen}; ` +
          `its clips are all kept as class ${c.classId} "${known.name}".`,
      })
    }
    const otherId = idByName.get(c.className)
    if (otherId === undefined) idByName.set(c.className, c.classId)
    else if (otherId !== c.classId) {
      once(`name ${c.className}: ${c.classId}`, {
        line: c.line,
        message: `The name "${c.className}" has class id ${c.classId} at ${where(c)} but ${otherId} elsewhere; both ids are kept.`,
      })
    }
  }
  return [...byId].map(([id, { name }]) => ({ id, name })).sort((a, b) => a.id - b.id)
}

/** Keeps the first entry of each key: one file listed twice (perhaps in two folds) would leak across folds. */
function dropDuplicates(candidates: ClipCandidate[], problems: DatasetProblem[]): ClipCandidate[] {
  const first = new Map<string, ClipCandidate>()
  return candidates.filter((c) => {
    const earlier = first.get(c.key)
    if (!earlier) {
      first.set(c.key, c)
      return true
    }
    problems.push({
      line: c.line,
      path: c.path,
      message: `${c.key} is listed twice: ${where(earlier)} in fold ${earlier.fold} is kept, ${where(c)} in fold ${c.fold} left out.`,
    })
    return false
  })
}
