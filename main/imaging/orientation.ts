import type { Mat4 } from './volume'

/**
 * Orientation codes: three letters, one per voxel axis i, j, k, naming the world direction the axis runs
 * towards (nibabel's aff2axcodes convention): "RAS" means i grows to the subject's Right, j Anterior,
 * k Superior. World is RAS+, so +x is R, +y is A, +z is S.
 */

export type WorldAxis = 0 | 1 | 2
export type Sign = 1 | -1

/** Where one voxel axis points: world axis (0 x, 1 y, 2 z) and direction along it. */
export interface AxisDirection {
  world: WorldAxis
  sign: Sign
}

export type AxisDirections = [AxisDirection, AxisDirection, AxisDirection]

const POSITIVE = ['R', 'A', 'S'] as const
const NEGATIVE = ['L', 'P', 'I'] as const

export function axisLetter(direction: AxisDirection): string {
  return (direction.sign > 0 ? POSITIVE : NEGATIVE)[direction.world]
}

/**
 * For each voxel axis, the world axis it is closest to and its sign. Oblique grids are assigned greedily
 * as nibabel's io_orientation does: the strongest (voxel axis, world axis) cosine first, then the strongest
 * among the remaining ones, so the three axes always get three different world axes.
 */
export function axisDirections(affine: Mat4): AxisDirections {
  const cosine: number[][] = [0, 1, 2].map((a) => {
    const column = [affine[a]!, affine[4 + a]!, affine[8 + a]!]
    const length = Math.hypot(...column) || 1
    return column.map((v) => v / length)
  })
  const result: (AxisDirection | undefined)[] = [undefined, undefined, undefined]
  const usedWorld = new Set<number>()
  for (let step = 0; step < 3; step++) {
    let best = { a: -1, w: -1, value: -1 }
    for (let a = 0; a < 3; a++) {
      if (result[a]) continue
      for (let w = 0; w < 3; w++) {
        if (usedWorld.has(w)) continue
        const value = Math.abs(cosine[a]![w]!)
        if (value > best.value) best = { a, w, value }
      }
    }
    usedWorld.add(best.w)
    result[best.a] = { world: best.w as WorldAxis, sign: cosine[best.a]![best.w]! < 0 ? -1 : 1 }
  }
  return result as AxisDirections
}

/** "RAS", "LPS", "PSR", ... for the affine's voxel axes. */
export function orientationCode(affine: Mat4): string {
  return axisDirections(affine).map(axisLetter).join('')
}

/** Parses a code like "LPS" (any case); undefined unless it names each world axis exactly once. */
export function parseOrientationCode(code: string): AxisDirections | undefined {
  const letters = code.toUpperCase()
  if (letters.length !== 3) return undefined
  const directions: AxisDirection[] = []
  for (const letter of letters) {
    const positive = POSITIVE.indexOf(letter as (typeof POSITIVE)[number])
    const negative = NEGATIVE.indexOf(letter as (typeof NEGATIVE)[number])
    if (positive < 0 && negative < 0) return undefined
    directions.push(positive >= 0 ? { world: positive as WorldAxis, sign: 1 } : { world: negative as WorldAxis, sign: -1 })
  }
  const worlds = new Set(directions.map((d) => d.world))
  return worlds.size === 3 ? (directions as AxisDirections) : undefined
}

export function isOrientationCode(code: string): boolean {
  return parseOrientationCode(code) !== undefined
}

/** The letter at the other end of an axis: R <-> L, A <-> P, S <-> I. */
export function oppositeLetter(letter: string): string {
  const upper = letter.toUpperCase()
  const p = POSITIVE.indexOf(upper as (typeof POSITIVE)[number])
  if (p >= 0) return NEGATIVE[p]!
  const n = NEGATIVE.indexOf(upper as (typeof NEGATIVE)[number])
  if (n >= 0) return POSITIVE[n]!
  throw new RangeError(`not an orientation letter: ${letter}`)
}
