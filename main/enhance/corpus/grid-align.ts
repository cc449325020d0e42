import { PerceptError } from '../../core/errors'

/*
 * GRID's alignment files (<utt>.align): one line per interval, "start end label", the times whole numbers
 * in units of 1/25000 s (GRID's 25 kHz audio samples, so one 25 fps video frame is 1000 units), the
 * words in lower case, "sil" for the silences at the ends and "sp" for a short pause between words:
 *   0 23750 sil
 *   23750 29500 bin
 *   ...
 * The fixture writes its phone timings the same way (<utt>.phones), the labels being phone names.
 */

export const ALIGN_UNITS_PER_SECOND = 25_000

export interface AlignInterval {
  /** Seconds. */
  start: number
  end: number
  label: string
}

/** Intervals as GRID align text; times rounded to whole units. */
export function formatAlign(intervals: readonly AlignInterval[]): string {
  return intervals.map((i) => `${Math.round(i.start * ALIGN_UNITS_PER_SECOND)} ${Math.round(i.end * ALIGN_UNITS_PER_SECOND)} ${i.label}\n`).join('')
}

/** Parses GRID align text; VALIDATION naming the line when one is not "start end label" with start <= end, in order. */
export function parseAlign(text: string, name = 'align file'): AlignInterval[] {
  const out: AlignInterval[] = []
  const lines = text.split(/\r?\n/)
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim()
    if (line === '') continue
    const parts = line.split(/\s+/)
    const start = Number(parts[0])
    const end = Number(parts[1])
    if (parts.length !== 3 || !Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
      throw new PerceptError('VALIDATION', `${name}, line ${n + 1}: expected "start end word" with whole start <= end in 1/25000 s, got "${line}".`)
    }
    if (out.length > 0 && start / ALIGN_UNITS_PER_SECOND < out[out.length - 1]!.end - 1e-9) {
      throw new PerceptError('VALIDATION', `${name}, line ${n + 1}: the interval starts before the previous one ends; the lines must be in time order.`)
    }
    out.push({ start: start / ALIGN_UNITS_PER_SECOND, end: end / ALIGN_UNITS_PER_SECOND, label: parts[2]! })
  }
  if (out.length === 0) throw new PerceptError('VALIDATION', `${name} holds no intervals.`)
  return out
}

/**
 * Word intervals with GRID's fillers: "sil" from 0 to the first word and from the last word to `duration`,
 * "sp" in any gap between words. Word labels are lower-cased as GRID has them.
 */
export function wordsWithSilences(words: readonly AlignInterval[], duration: number): AlignInterval[] {
  const out: AlignInterval[] = []
  let at = 0
  words.forEach((w, i) => {
    if (w.start > at) out.push({ start: at, end: w.start, label: i === 0 ? 'sil' : 'sp' })
    out.push({ start: w.start, end: w.end, label: w.label.toLowerCase() })
    at = w.end
  })
  if (duration > at) out.push({ start: at, end: duration, label: 'sil' })
  return out
}
