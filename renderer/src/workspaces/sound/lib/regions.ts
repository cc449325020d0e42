import type { AudioLabel } from '../../../../../main/api'

/** A labelled stretch of the sound; a point marker has end === start. */
export interface SoundRegion {
  id: string
  start: number
  end: number
  label: string
}

export type RegionKind = 'region' | 'marker'

export function isMarker(region: Pick<SoundRegion, 'start' | 'end'>): boolean {
  return region.end === region.start
}

export function regionKind(region: Pick<SoundRegion, 'start' | 'end'>): RegionKind {
  return isMarker(region) ? 'marker' : 'region'
}

/** By start, then by end: the order of the list and of an exported label track. */
export function sortRegions<T extends Pick<SoundRegion, 'start' | 'end'>>(regions: readonly T[]): T[] {
  return [...regions].sort((a, b) => a.start - b.start || a.end - b.end)
}

/** start..end in order and inside 0..duration. */
export function normaliseRange(a: number, b: number, duration: number): { start: number; end: number } {
  const clamp = (t: number) => Math.min(Math.max(0, t), Math.max(0, duration))
  const start = clamp(Math.min(a, b))
  const end = clamp(Math.max(a, b))
  return { start, end }
}

/** "Region 3" / "Marker 2": one more than the highest number of that kind already used. */
export function nextLabel(regions: readonly SoundRegion[], kind: RegionKind): string {
  const base = kind === 'marker' ? 'Marker' : 'Region'
  const pattern = new RegExp(`^${base} (\\d+)$`)
  let highest = 0
  for (const region of regions) {
    const match = pattern.exec(region.label)
    if (match) highest = Math.max(highest, Number(match[1]))
  }
  return `${base} ${highest + 1}`
}

/** The regions as an Audacity label track (sorted; labels on one line). */
export function toAudioLabels(regions: readonly SoundRegion[]): AudioLabel[] {
  return sortRegions(regions).map((region) => ({
    start: region.start,
    end: region.end,
    label: region.label.replace(/[\t\r\n]+/g, ' ').trim(),
  }))
}

/** Regions from a label track; labels past `duration` are clamped to it. */
export function fromAudioLabels(labels: readonly AudioLabel[], duration: number, makeId: () => string): SoundRegion[] {
  return sortRegions(
    labels.map((label) => ({ id: makeId(), ...normaliseRange(label.start, label.end, duration), label: label.label })),
  )
}

/** The list with `id` changed by `patch` (bounds normalised), or unchanged when there is no such id. */
export function withRegionChanged(
  regions: readonly SoundRegion[],
  id: string,
  patch: Partial<Omit<SoundRegion, 'id'>>,
  duration: number,
): SoundRegion[] {
  return regions.map((region) => {
    if (region.id !== id) return region
    const next = { ...region, ...patch }
    return { ...next, ...normaliseRange(next.start, next.end, duration) }
  })
}

/** A label for screen readers and the list: "Region 1, 0:01.200 to 0:02.500". */
export function describeRegion(region: SoundRegion, format: (seconds: number) => string): string {
  return isMarker(region)
    ? `${region.label}, marker at ${format(region.start)}`
    : `${region.label}, ${format(region.start)} to ${format(region.end)}`
}

/**
 * A row for each region's label bar, so that the bars of overlapping regions do not hide each other:
 * by start, each takes the first row free by then, at most `maxRows` (past that, the row that frees
 * first). A marker counts as `markerSpan` seconds long (its flag's width in time).
 */
export function barRows(regions: readonly SoundRegion[], markerSpan: number, maxRows = 3): Map<string, number> {
  const rows = new Map<string, number>()
  const ends: number[] = []
  for (const region of sortRegions(regions)) {
    const end = isMarker(region) ? region.start + markerSpan : region.end
    let row = ends.findIndex((busyUntil) => busyUntil <= region.start)
    if (row < 0) row = ends.length < maxRows ? ends.length : ends.indexOf(Math.min(...ends))
    ends[row] = end
    rows.set(region.id, row)
  }
  return rows
}
