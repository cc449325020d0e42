/**
 * Which label surfaces the 3-D view builds by itself, and in what order. A label map's visible labels
 * are built as soon as it opens, largest structures first, so the brain's shape shows after the first
 * batch and the small nuclei fill in after. An atlas of very many labels gets its largest `cap` built;
 * the rest wait for the user to ask (a 1000-parcel atlas would otherwise keep the worker busy and the
 * page fetching for a long time before anything could be asked of the core).
 */

/** Surfaces a label map builds by itself: all of AAL (116) and FreeSurfer's aparc+aseg (about 110). */
export const autoBuildCap = 128
/** The first batch is small so something shows within a second or two. */
export const firstBatchSize = 8
/** Later batches are larger (fewer worker starts) but small enough to stop or re-plan between. */
export const maxBatchSize = 32

export interface PlannedLabel {
  label: number
  voxels: number
}

export interface SurfacePlanInput {
  entries: readonly PlannedLabel[]
  hidden: ReadonlySet<number>
  /** Labels already built, or tried and found empty. */
  done: ReadonlySet<number>
  /** The most surfaces to build without being asked, counting those done; Infinity once the user asked for all. */
  cap: number
}

export interface SurfacePlan {
  /** Visible labels without a surface that are built by themselves, largest first. */
  auto: number[]
  /** Visible labels without a surface past the cap: built when the user asks. */
  deferred: number[]
}

export function surfacePlan({ entries, hidden, done, cap }: SurfacePlanInput): SurfacePlan {
  const wanted = entries
    .filter((entry) => entry.voxels > 0 && !hidden.has(entry.label) && !done.has(entry.label))
    // Largest first; ties by label so the order never wobbles.
    .sort((a, b) => b.voxels - a.voxels || a.label - b.label)
    .map((entry) => entry.label)
  const room = Math.max(0, cap - done.size)
  return { auto: wanted.slice(0, room), deferred: wanted.slice(room) }
}

/** How many labels the n-th batch (from 0) of a run asks for: 8, 16, 32, 32, ... */
export function batchSize(index: number): number {
  return Math.min(maxBatchSize, firstBatchSize * 2 ** Math.max(0, index))
}
