import type { FaceEvalMethod, FaceEvaluationResult } from '../../../../../main/api'

/** The resolutions the paper reports, offered by the identification and evaluation forms. */
export const paperResolutions = ['7x6', '10x8', '12x10', '19x16', '20x20'] as const

/** How each method is named in tables and legends. */
export const methodLabels: Record<FaceEvalMethod, string> = {
  slrfr: 'SLRFR (relit dictionaries)',
  pca: 'PCA, single gallery',
  'pca-relit': 'PCA, relit gallery',
  deep: 'Deep descriptor (face models)',
}

/** "0, 7, 14" -> [0, 7, 14]; '' -> undefined (every index); an error sentence for anything else. */
export function parseGalleryImages(text: string): { value: number[] | undefined } | { error: string } {
  const trimmed = text.trim()
  if (!trimmed) return { value: undefined }
  const parts = trimmed.split(/[\s,]+/).filter(Boolean)
  const numbers = parts.map(Number)
  if (numbers.some((n) => !Number.isInteger(n) || n < 0)) return { error: `Gallery images are whole numbers from 0 separated by commas, e.g. 0, 7, 14; got "${trimmed}".` }
  return { value: [...new Set(numbers)].sort((a, b) => a - b) }
}

export interface ResultRow {
  resolution: string
  method: FaceEvalMethod
  label: string
  rank1: number
  rank5: number | null
  rank10: number | null
  /** The best rank-1 at this resolution. */
  best: boolean
}

/** One row per resolution and method: rank-1, rank-5 and rank-10 (null where there are fewer people). */
export function resultRows(result: FaceEvaluationResult): ResultRow[] {
  return result.resolutions.flatMap(({ resolution, methods }) => {
    const top = Math.max(...methods.map((m) => m.rank1))
    return methods.map((m) => ({
      resolution,
      method: m.method,
      label: methodLabels[m.method],
      rank1: m.rank1,
      rank5: m.cmc.length >= 5 ? m.cmc[4]! : null,
      rank10: m.cmc.length >= 10 ? m.cmc[9]! : null,
      best: m.rank1 === top,
    }))
  })
}

/** The CMC curves of one resolution as uPlot's aligned data: x = rank 1..N, one y column per method, in %. */
export function cmcChart(result: FaceEvaluationResult, resolution: string): { data: number[][]; labels: string[] } | null {
  const entry = result.resolutions.find((r) => r.resolution === resolution)
  if (!entry || !entry.methods.length) return null
  const ranks = entry.methods[0]!.cmc.map((_, k) => k + 1)
  return { data: [ranks, ...entry.methods.map((m) => m.cmc.map((v) => Math.round(v * 1000) / 10))], labels: entry.methods.map((m) => methodLabels[m.method]) }
}

export const percent = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
