import { ColorTable, defaultLabelName, type LabelColor, type Rgb } from './color-table'
import { inSrgbGamut, oklabToSrgb, type Oklab } from './oklab'

/**
 * Colours for labels that no table names, as far apart as we can make them.
 *
 * A palette of 256 colours is drawn by farthest-first traversal (Gonzalez 1985, "Clustering to
 * minimize the maximum intercluster distance"): each colour is the candidate farthest, in Oklab,
 * from every colour chosen before it. So any first n labels are well spread, and label n+1 is at
 * least as far from label n as the closest pair among 1..n+1 (no two of 1..256 are closer than
 * deltaE_OK 0.04, about twice a just-noticeable difference). Candidates are the sRGB colours with
 * lightness 0.45..0.85 (never black, never white) and chroma at least 0.08 (never grey, so they
 * stand out on a grey-scale scan). Labels past 256 reuse the palette cyclically.
 */

const PALETTE_SIZE = 256

/** The candidate colours as flat [L, a, b, L, a, b, ...]. */
function candidates(): Float64Array {
  const out: number[] = []
  for (let L = 0.45; L <= 0.85 + 1e-9; L += 0.025) {
    for (let hue = 0; hue < 360; hue += 4) {
      const h = (hue * Math.PI) / 180
      for (let C = 0.08; C <= 0.3 + 1e-9; C += 0.025) {
        const lab: Oklab = [L, C * Math.cos(h), C * Math.sin(h)]
        if (inSrgbGamut(lab)) out.push(...lab)
      }
    }
  }
  return Float64Array.from(out)
}

function squaredDistance(points: Float64Array, i: number, p: Oklab): number {
  const dL = points[3 * i]! - p[0]
  const da = points[3 * i + 1]! - p[1]
  const db = points[3 * i + 2]! - p[2]
  return dL * dL + da * da + db * db
}

function farthestFirst(points: Float64Array, count: number, start: Oklab): Oklab[] {
  const n = points.length / 3
  const at = (i: number): Oklab => [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!]
  let current = 0
  for (let i = 1; i < n; i++) {
    if (squaredDistance(points, i, start) < squaredDistance(points, current, start)) current = i
  }
  const nearestChosen = new Float64Array(n).fill(Infinity)
  const chosen: Oklab[] = []
  while (chosen.length < count) {
    const pick = at(current)
    chosen.push(pick)
    let farthest = 0
    for (let i = 0; i < n; i++) {
      const d = squaredDistance(points, i, pick)
      if (d < nearestChosen[i]!) nearestChosen[i] = d
      if (nearestChosen[i]! > nearestChosen[farthest]!) farthest = i
    }
    current = farthest
  }
  return chosen
}

let palette: Rgb[] | null = null

/** The 256 colours, built once on first use (a few milliseconds). Label 1 is a strong red, as in ITK-SNAP. */
export function distinctPalette(): readonly Rgb[] {
  palette ??= farthestFirst(candidates(), PALETTE_SIZE, [0.63, 0.22, 0.13]).map(oklabToSrgb)
  return palette
}

/** A deterministic colour for a label: entry (label - 1) mod 256 of the palette. */
export function distinctColor(label: number): Rgb {
  const colors = distinctPalette()
  const slot = ((((label - 1) % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE) | 0
  const [r, g, b] = colors[slot]!
  return [r, g, b]
}

/**
 * A copy of `table` with an entry for every label present that it lacks ("Label n" in its distinct
 * colour). Label 0 is background and is not added.
 */
export function completeTable(table: ReadonlyMap<number, LabelColor> | undefined, labelsPresent: Iterable<number>): ColorTable {
  const out = new ColorTable()
  if (table instanceof ColorTable) {
    out.format = table.format
    out.sources = [...table.sources]
    out.warnings.push(...table.warnings)
  }
  for (const [label, entry] of table ?? []) out.set(label, { ...entry, color: [...entry.color] })
  for (const label of labelsPresent) {
    if (label !== 0 && !out.has(label)) out.set(label, { name: defaultLabelName(label), color: distinctColor(label) })
  }
  return out
}
