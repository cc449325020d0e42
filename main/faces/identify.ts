import { project, projectionResidualNorm } from './projection'
import { backProject, probeFeatures, type SlrfrModel } from './slrfr'

/** One ranked class for a probe. */
export interface Candidate {
  /** Index of the class in the model. */
  index: number
  /** ||r^i(y)||_2 of equation 7, in feature space. */
  residualNorm: number
}

/**
 * Equation 9: classes ordered by the residual of the probe's orthogonal projection onto the span of
 * their dictionary, smallest first (the identity is the first). Ties keep class order.
 */
export function rankClasses(model: SlrfrModel, probeVector: ArrayLike<number>): Candidate[] {
  const y = probeFeatures(model, probeVector)
  return model.classes
    .map(({ projector }, index) => ({ index, residualNorm: projectionResidualNorm(projector, y) }))
    .sort((a, b) => a.residualNorm - b.residualNorm || a.index - b.index)
}

export interface Identification extends Candidate {
  /** ŷ^i = P_i y (equation 6) brought back to the low-resolution image (row-major, unit-length scale). */
  reconstruction: Float64Array
  /** α^i of equation 8, one per atom. */
  coefficients: Float64Array
}

/** The `top` best classes with their reconstructions, for showing a person why a candidate was chosen. */
export function identify(model: SlrfrModel, probeVector: ArrayLike<number>, top = 5): Identification[] {
  const y = probeFeatures(model, probeVector)
  return rankClasses(model, probeVector)
    .slice(0, top)
    .map((candidate) => {
      const { reconstruction, coefficients } = project(model.classes[candidate.index]!.projector, y)
      return { ...candidate, reconstruction: backProject(model, reconstruction), coefficients }
    })
}
