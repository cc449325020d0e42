import type { ListeningCondition } from '../../api/speech'
import { failsPostScreening, meanInterval } from './statistics'
import type { ListenerFile, TestFile } from './test-files'

/*
 * From the listeners' files to what the test reports: the summary per condition (mean and 95% interval
 * over the listeners kept), and every rating as one CSV row.
 */

export interface ConditionSummary extends ListeningCondition {
  n: number
  mean: number | null
  sd: number | null
  low: number | null
  high: number | null
}

export interface TestSummary {
  listeners: string[]
  screenedOut: string[]
  conditions: ConditionSummary[]
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)

export function summarise(test: TestFile, listeners: readonly ListenerFile[], screen: boolean): TestSummary {
  const reference = test.conditions.find((c) => c.kind === 'reference')
  const screenedOut = screen && reference
    ? listeners.filter((l) => failsPostScreening(l.trials.flatMap((t) => (t.ratings && reference.id in t.ratings ? [t.ratings[reference.id]!] : [])))).map((l) => l.name)
    : []
  const kept = listeners.filter((l) => !screenedOut.includes(l.name) && l.trials.some((t) => t.ratings))
  const conditions = test.conditions.map((condition) => {
    const scores = kept.flatMap((l) => l.trials.flatMap((t) => (t.ratings && condition.id in t.ratings ? [t.ratings[condition.id]!] : [])))
    const stats = meanInterval(scores)
    return { ...condition, n: stats.n, mean: finite(stats.mean), sd: finite(stats.sd), low: stats.low, high: stats.high }
  })
  return { listeners: kept.map((l) => l.name), screenedOut, conditions }
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function field(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvHeader = ['listener', 'trial', 'sentence_id', 'sentence', 'condition', 'condition_label', 'kind', 'letter', 'score', 'rated_at'] as const

/** One row per rating, in each listener's own trial order; answers the text and the row count. */
export function ratingsCsv(test: TestFile, listeners: readonly ListenerFile[]): { text: string; rows: number } {
  const lines = [csvHeader.join(',')]
  for (const listener of listeners) {
    listener.trials.forEach((trial, index) => {
      if (!trial.ratings) return
      const sentence = test.sentences[trial.sentence]!
      trial.order.forEach((id, position) => {
        const condition = test.conditions.find((c) => c.id === id)
        const score = trial.ratings![id]
        if (!condition || score === undefined) return
        lines.push([listener.name, index + 1, sentence.id, sentence.text, id, condition.label, condition.kind, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[position]!, score, trial.ratedAt ?? ''].map(field).join(','))
      })
    })
  }
  return { text: lines.join('\r\n') + '\r\n', rows: lines.length - 1 }
}
