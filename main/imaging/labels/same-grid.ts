import { PerceptError } from '../../core/errors'
import type { Volume } from '../volume'

/** Largest difference, in mm, two affines may show and still describe the same grid. */
export const GRID_TOLERANCE_MM = 1e-4

/**
 * Throws VALIDATION unless `a` and `b` share dims and affine (every element within 1e-4 mm), saying
 * how they differ. Voxel-wise comparisons (Dice, difference maps) only mean something on one grid.
 */
export function assertSameGrid(a: Volume, b: Volume, names: [string, string] = ['A', 'B']): void {
  const advice = `Resample ${names[1]} onto ${names[0]}'s grid first.`
  if (a.dims.some((n, axis) => n !== b.dims[axis])) {
    throw new PerceptError(
      'VALIDATION',
      `The two label maps are on different grids: ${names[0]} is ${a.dims.join('×')} voxels, ${names[1]} is ${b.dims.join('×')}. ${advice}`,
    )
  }
  let worst = 0
  for (let e = 1; e < 16; e++) {
    if (Math.abs(a.affine[e]! - b.affine[e]!) > Math.abs(a.affine[worst]! - b.affine[worst]!)) worst = e
  }
  const difference = Math.abs(a.affine[worst]! - b.affine[worst]!)
  if (!(difference <= GRID_TOLERANCE_MM)) {
    const row = Math.floor(worst / 4) + 1
    const column = (worst % 4) + 1
    throw new PerceptError(
      'VALIDATION',
      `The two label maps are on different grids: their affines differ by ${difference} mm at row ${row}, ` +
        `column ${column} (${a.affine[worst]} in ${names[0]}, ${b.affine[worst]} in ${names[1]}). ${advice}`,
    )
  }
}
