import type { AudioLabel } from '../api'
import { PerceptError } from '../core/errors'

/*
 * Audacity's label track as text (File > Export > Labels): one label per line, `start<TAB>end<TAB>text`,
 * times in seconds with a dot; a point label has start = end. A line that starts with `\` holds the
 * preceding label's spectral selection (`\<TAB>low Hz<TAB>high Hz`): read past, not kept.
 */

export function parseAudacityLabels(text: string, name = 'the label file'): AudioLabel[] {
  const labels: AudioLabel[] = []
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('\\')) return
    const [startText, endText, ...rest] = line.split('\t')
    const start = Number(startText?.replace(',', '.'))
    const end = endText === undefined ? start : Number(endText.replace(',', '.'))
    if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end < start || startText?.trim() === '') {
      // The line itself is not quoted: the caller may have named any file, and its content is not theirs to read here.
      throw new PerceptError(
        'INVALID_FILE',
        `${name}, line ${index + 1}: expected "start<TAB>end<TAB>label" with times in seconds (end not before start). Is it an Audacity label track?`,
      )
    }
    labels.push({ start, end, label: rest.join('\t').trim() })
  })
  return labels
}

export function formatAudacityLabels(labels: readonly AudioLabel[]): string {
  return labels
    .map((l) => `${l.start.toFixed(6)}\t${Math.max(l.start, l.end).toFixed(6)}\t${l.label.replace(/[\t\r\n]+/g, ' ')}\n`)
    .join('')
}
