import type { SoundClassification } from './classify'

function field(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** One row per file: path, label, its probability, then every class's mean probability (header names them). */
export function predictionsCsv(rows: readonly { path: string; result: SoundClassification | { error: string } }[], classNames: readonly string[]): string {
  const header = ['path', 'label', 'probability', 'segments', 'error', ...classNames.map((c) => `p_${c}`)]
  const lines = rows.map(({ path, result }) =>
    'error' in result
      ? [path, '', '', '', result.error, ...classNames.map(() => '')]
      : [path, result.label, result.probability.toFixed(6), String(result.segments.length), '', ...result.probabilities.map((p) => p.toFixed(6))],
  )
  return [header, ...lines].map((cells) => cells.map(field).join(',')).join('\n') + '\n'
}
