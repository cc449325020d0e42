import type { LabelEntry } from '../../../../../main/api'
import { hsvToRgb } from './label-palette'

/**
 * The confidence overlay: a segmentation's per-voxel top probability drawn as a colour map, low = warm.
 *
 * The probability is cut into `confidenceBins` bins of equal width (bin b holds [(b-1)/n, b/n), the top bin
 * takes 1 itself) and each bin coloured like a label, so the slice views draw it with the label sampler and
 * palette they already have (no second texture path) and the legend reads as a table of colours. Voxels the
 * model did not see (0) stay uncoloured. The hues run from red (0°) through orange and yellow to blue (220°):
 * the unsure voxels, which are few and lie at structure borders, get the warm colours that stand out against a
 * grey image, and the sure ones a calm blue; hue and lightness both change along the ramp, so it stays
 * ordered for the common colour-vision deficiencies.
 */
export const confidenceBins = 10

export type ConfidenceLegendEntry = Pick<LabelEntry, 'label' | 'name' | 'color'> & { from: number; to: number }

/** The bin (1..confidenceBins) of a top probability; 0 for a voxel the model did not see (0 or less, or NaN). */
export function confidenceBin(probability: number): number {
  if (!(probability > 0)) return 0
  return Math.min(confidenceBins, 1 + Math.floor(probability * confidenceBins))
}

/** Each voxel's bin, in the same (display) order. */
export function confidenceCodes(probabilities: Float32Array): Int32Array {
  const codes = new Int32Array(probabilities.length)
  for (let n = 0; n < probabilities.length; n++) codes[n] = confidenceBin(probabilities[n]!)
  return codes
}

/** The colour of each bin, as label entries (label = bin), lowest probability first. */
export function confidenceLegend(): ConfidenceLegendEntry[] {
  return Array.from({ length: confidenceBins }, (_, index) => {
    const from = index / confidenceBins
    const to = (index + 1) / confidenceBins
    const hue = (220 * index) / (confidenceBins - 1)
    // Warm bins bright and saturated; the sure (blue) end a little darker.
    const value = 1 - (0.25 * index) / (confidenceBins - 1)
    return { label: index + 1, name: `Top probability ${from.toFixed(1)}–${to.toFixed(1)}`, color: [...hsvToRgb(hue, 0.9, value)] as [number, number, number], from, to }
  })
}

/** A CSS linear-gradient of the legend, left (low) to right (high). */
export function confidenceGradient(legend: readonly ConfidenceLegendEntry[] = confidenceLegend()): string {
  const stops = legend.map((entry) => `rgb(${entry.color.join(' ')}) ${(entry.from * 100).toFixed(0)}% ${(entry.to * 100).toFixed(0)}%`)
  return `linear-gradient(to right, ${stops.join(', ')})`
}
