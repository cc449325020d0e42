import type { SpeechSystem, SynthesisState } from '../../../../../main/api'

type TimedPhone = SynthesisState['phones'][number]

/** The key a system has in files, URLs and checkboxes (as the core names it): dnn, dnn-raw, mdnn, mdnn-raw. */
export const systemKey = (s: SpeechSystem): string => (s.postFilter ? s.system : `${s.system}-raw`)

export const systemLabel = (s: SpeechSystem): string => `${s.system === 'mdnn' ? 'MDNN' : 'DNN'} ${s.postFilter ? '+ post-filter' : 'without post-filter'}`

/** Silences the aligner marks between words and phrases: not shown as regions. */
const silences = new Set(['pau', 'sil', 'h#', '#', 'sp'])

/** Phones as editor regions (silences left out), at most `limit` of them; answers how many were left out for the limit. */
export function phoneRegions(phones: readonly TimedPhone[], limit = 2000): { regions: Array<{ start: number; end: number; label: string }>; dropped: number } {
  const spoken = phones.filter((p) => !silences.has(p.phone) && p.end > p.start)
  return { regions: spoken.slice(0, limit).map((p) => ({ start: p.start, end: p.end, label: p.phone })), dropped: Math.max(0, spoken.length - limit) }
}
