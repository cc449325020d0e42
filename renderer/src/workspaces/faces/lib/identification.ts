import type { FaceCandidate } from '../../../../../main/api'

/** How many screen pixels a probe, reconstruction or crop is drawn tall, whatever its size (pixelated). */
export const pictureHeight = 112

/** The width a picture of `height` x `width` pixels gets at `drawnHeight`, keeping its shape. */
export function pictureWidth(height: number, width: number, drawnHeight = pictureHeight): number {
  return Math.round((drawnHeight * width) / height)
}

/**
 * A candidate's bar: its residual as a share of the largest shown. Residuals of a good match are small
 * (0.02 to 0.1 at 7x6), so on a 0..1 scale every bar would be a sliver; relative, the gaps show.
 */
export function residualShare(candidate: Pick<FaceCandidate, 'residual'>, shown: readonly Pick<FaceCandidate, 'residual'>[]): number {
  const largest = Math.max(1e-12, ...shown.map((c) => c.residual))
  return Math.min(1, Math.max(0, candidate.residual / largest))
}

/** "0.123" for residuals: three decimals, the precision the ranking needs. */
export const formatResidual = (residual: number): string => residual.toFixed(3)
