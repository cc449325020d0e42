import { basename } from 'node:path'
import { PerceptError } from '../../core/errors'
import type { Mat4, Vec3 } from '../volume'
import type { DirectionCosines } from './slice-header'

/**
 * Where a series' slices sit in space (PS3.3 C.7.6.2.1.1): each image's ImagePositionPatient (IPP) is the
 * centre of its first pixel, ImageOrientationPatient (IOP) gives the row direction r (along which the
 * column index grows) and the column direction c (along which the row index grows), in patient LPS mm.
 *
 * Slices are ordered by their distance along the normal n = r × c (d = n · IPP), never by file name or
 * InstanceNumber, so voxel k runs along +n. Voxel i runs along r with PixelSpacing[1] (the distance between
 * columns), j along c with PixelSpacing[0] (the distance between rows). The affine is then converted from
 * DICOM's LPS to RAS+ by negating x and y.
 */

export interface SlicePlacement {
  path: string
  /** IPP, LPS mm. */
  position: Vec3
  orientation: DirectionCosines
  /** [between rows, between columns] mm, as stored. */
  pixelSpacing: [number, number]
}

export interface SeriesGeometry {
  /** Input indices in volume order: slice k of the volume is input order[k]. */
  order: number[]
  /** Voxel index to RAS+ mm. */
  affine: Mat4
  /** Distance between neighbouring slices along the normal, mm. */
  sliceSpacing: number
  /** n = r × c, LPS. */
  normal: Vec3
}

/** Cosines that differ by less than this are the same direction (IOP is written with ~6 decimals). */
const COSINE_TOLERANCE = 1e-3
/** Pixel spacings that differ by less than this (mm) are the same. */
const SPACING_TOLERANCE = 1e-3
/** Two slices closer than this along the normal (mm) are at the same position. */
const SAME_POSITION_MM = 1e-3
/** A gap may differ from the typical one by 1 % of it, at least 0.01 mm, before we call the gaps uneven. */
const gapTolerance = (gap: number): number => Math.max(0.01, 0.01 * gap)

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s]
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2])
const mm = (value: number): string => `${Number(value.toFixed(3))} mm`

function invalid(message: string): PerceptError {
  return new PerceptError('INVALID_FILE', message)
}

function checkedDirections(slice: SlicePlacement): { row: Vec3; column: Vec3 } {
  const [rx, ry, rz, cx, cy, cz] = slice.orientation
  const row: Vec3 = [rx, ry, rz]
  const column: Vec3 = [cx, cy, cz]
  if (
    Math.abs(norm(row) - 1) > COSINE_TOLERANCE ||
    Math.abs(norm(column) - 1) > COSINE_TOLERANCE ||
    Math.abs(dot(row, column)) > COSINE_TOLERANCE
  ) {
    throw invalid(
      `ImageOrientationPatient of ${basename(slice.path)} (${slice.orientation.join(', ')}) is not two perpendicular ` +
        'unit vectors, so the slices cannot be placed in space. The file is damaged or was written wrongly.',
    )
  }
  return { row: scale(row, 1 / norm(row)), column: scale(column, 1 / norm(column)) }
}

function checkConsistent(slices: readonly SlicePlacement[]): void {
  const first = slices[0]!
  for (const slice of slices) {
    if (slice.orientation.some((value, index) => Math.abs(value - first.orientation[index]!) > COSINE_TOLERANCE)) {
      throw invalid(
        `The series mixes slice orientations: ${basename(first.path)} has ImageOrientationPatient ` +
          `${first.orientation.join(', ')} but ${basename(slice.path)} has ${slice.orientation.join(', ')}. ` +
          'It may hold a localizer or several stacks; export each stack as its own series.',
      )
    }
    if (slice.pixelSpacing.some((value, index) => Math.abs(value - first.pixelSpacing[index]!) > SPACING_TOLERANCE)) {
      throw invalid(
        `The series mixes pixel spacings: ${basename(first.path)} has ${first.pixelSpacing.join(' x ')} mm but ` +
          `${basename(slice.path)} has ${slice.pixelSpacing.join(' x ')} mm.`,
      )
    }
  }
}

/** The gaps between sorted slices must be one spacing; the message names the odd ones and their files. */
function checkGaps(distances: readonly number[], sorted: readonly SlicePlacement[]): void {
  const gaps = distances.slice(1).map((d, k) => d - distances[k]!)
  gaps.forEach((gap, k) => {
    if (gap < SAME_POSITION_MM) {
      throw invalid(
        `Two slices of the series are at the same position (${mm(distances[k]!)} along the slice normal): ` +
          `${basename(sorted[k]!.path)} and ${basename(sorted[k + 1]!.path)}. The series may hold several echoes, ` +
          'phases or time points, which one 3D volume cannot; export them as separate series.',
      )
    }
  })
  const typical = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!
  const odd = gaps.flatMap((gap, k) => (Math.abs(gap - typical) > gapTolerance(typical) ? [{ gap, k }] : []))
  if (odd.length === 0) return
  const listed = odd
    .slice(0, 5)
    .map(({ gap, k }) => `${mm(gap)} between slices ${k} and ${k + 1} (${basename(sorted[k]!.path)}, ${basename(sorted[k + 1]!.path)})`)
    .join('; ')
  const more = odd.length > 5 ? `; and ${odd.length - 5} more` : ''
  throw invalid(
    `The slice gaps are uneven: most are ${mm(typical)} but ${listed}${more}. A slice may be missing or the ` +
      'series may mix stacks; a volume built from it would be distorted, so it was not built.',
  )
}

/** Every slice must lie on the line from the first to the last; otherwise the stack is not one block. */
function checkAligned(sorted: readonly SlicePlacement[], step: Vec3, spacing: number): void {
  const origin = sorted[0]!.position
  sorted.forEach((slice, k) => {
    const offset = norm(sub(slice.position, [origin[0] + k * step[0], origin[1] + k * step[1], origin[2] + k * step[2]]))
    if (offset > gapTolerance(spacing)) {
      throw invalid(
        `Slice ${basename(slice.path)} is ${mm(offset)} off the line through the other slices' positions: ` +
          'the series does not form one regular block of slices.',
      )
    }
  })
}

/**
 * Orders the slices and builds the volume's affine. `singleSliceSpacing` (SpacingBetweenSlices or
 * SliceThickness) sets the third axis when there is only one slice.
 */
export function seriesGeometry(slices: readonly SlicePlacement[], singleSliceSpacing = 1): SeriesGeometry {
  if (slices.length === 0) throw invalid('The series has no images with a position and orientation.')
  const { row, column } = checkedDirections(slices[0]!)
  checkConsistent(slices)
  const normal = cross(row, column)
  const distances = slices.map((slice) => dot(normal, slice.position))
  const order = slices.map((_, index) => index).sort((a, b) => distances[a]! - distances[b]!)
  const sorted = order.map((index) => slices[index]!)
  const sortedDistances = order.map((index) => distances[index]!)

  let step: Vec3
  let sliceSpacing: number
  if (sorted.length === 1) {
    sliceSpacing = singleSliceSpacing > 0 ? singleSliceSpacing : 1
    step = scale(normal, sliceSpacing)
  } else {
    checkGaps(sortedDistances, sorted)
    const count = sorted.length - 1
    // The mean step from first to last position, which keeps a gantry tilt (a step not along n) exact.
    step = scale(sub(sorted[count]!.position, sorted[0]!.position), 1 / count)
    sliceSpacing = (sortedDistances[count]! - sortedDistances[0]!) / count
    checkAligned(sorted, step, sliceSpacing)
  }

  const [rowSpacing, columnSpacing] = slices[0]!.pixelSpacing
  const i = scale(row, columnSpacing)
  const j = scale(column, rowSpacing)
  const t = sorted[0]!.position
  // LPS to RAS+: x and y change sign, z stays.
  const affine = [
    -i[0], -j[0], -step[0], -t[0],
    -i[1], -j[1], -step[1], -t[1],
    i[2], j[2], step[2], t[2],
    0, 0, 0, 1,
  ].map((value) => value + 0) as Mat4 // + 0 turns -0 into 0
  return { order, affine, sliceSpacing, normal }
}
