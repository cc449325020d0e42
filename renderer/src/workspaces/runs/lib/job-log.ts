import type { JobLogLine } from '../../../../../main/api'

/** The most log lines a view keeps; older ones are dropped from the top. */
export const maxLogLines = 5000

/** The sequence number to pass as `after` to fetch only newer lines (undefined: fetch from the start). */
export function lastLogSeq(lines: readonly JobLogLine[]): number | undefined {
  return lines.length > 0 ? lines[lines.length - 1]!.seq : undefined
}

/**
 * Appends a `jobs.logs` answer to the lines already shown: ordered by seq, each seq once (an answer that
 * overlaps an earlier one, or arrives twice, adds nothing), at most `max` lines, the newest kept.
 */
export function mergeLogLines(current: readonly JobLogLine[], incoming: readonly JobLogLine[], max = maxLogLines): JobLogLine[] {
  if (incoming.length === 0) return current.length > max ? current.slice(-max) : [...current]
  const last = lastLogSeq(current) ?? -Infinity
  let merged: JobLogLine[]
  if (incoming.every((line) => line.seq > last)) {
    // the usual case: only newer lines, in order
    merged = [...current, ...[...incoming].sort((a, b) => a.seq - b.seq)]
  } else {
    const bySeq = new Map<number, JobLogLine>()
    for (const line of current) bySeq.set(line.seq, line)
    for (const line of incoming) bySeq.set(line.seq, line)
    merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
  }
  const deduped = merged.filter((line, i) => i === 0 || line.seq !== merged[i - 1]!.seq)
  return deduped.length > max ? deduped.slice(-max) : deduped
}

/** "12:04:05" for a log line's time; the raw text when it is not a date. */
export function formatLogTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleTimeString(undefined, { hour12: false })
}
