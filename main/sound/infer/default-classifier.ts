/** What the choice reads of a package summary. */
interface Candidate {
  meta: { labels?: string[]; provenance: { createdAt: string } }
}

/** Installed packages newest first. */
export function newestFirst<T extends Candidate>(list: T[]): T[] {
  return [...list].sort((a, b) => b.meta.provenance.createdAt.localeCompare(a.meta.provenance.createdAt))
}

function sameClasses(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false
  const set = new Set(a)
  return b.every((name) => set.has(name))
}

/**
 * The classifier used unless one is named. For a sound inside a published data set (`datasetClasses`),
 * the newest model trained on that data set's classes, installed or bundled. Otherwise, or when none
 * was: the newest installed one trained on the bundled model's classes (a model the user trained on
 * that data beats the synthetic demo), else the bundled one, else the newest installed. A model trained
 * on other classes is not taken by default: it answers other questions.
 */
export function defaultSoundClassifier<T extends Candidate>(installed: T[], bundled: T[], datasetClasses?: readonly string[] | null): T | undefined {
  const newest = newestFirst(installed)
  const forDataset = datasetClasses ? [...newest, ...bundled].find((p) => sameClasses(p.meta.labels, datasetClasses)) : undefined
  if (forDataset) return forDataset
  const reference = bundled[0]
  if (!reference) return newest[0]
  return newest.find((p) => sameClasses(p.meta.labels, reference.meta.labels)) ?? reference
}
