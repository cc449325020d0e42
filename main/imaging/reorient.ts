import { axisDirections, parseOrientationCode } from './orientation'
import type { Mat4, Vec3, Volume, VoxelArray } from './volume'

export type AxisTriple = [number, number, number]
export type FlipTriple = [boolean, boolean, boolean]

/**
 * How a display grid maps onto the native one: display axis a is native axis axes[a], and the native index
 * along it is n - 1 - v where flip[a] (n the native size), v otherwise.
 */
export interface AxisMapping {
  axes: AxisTriple
  flip: FlipTriple
}

export interface Reorientation extends AxisMapping {
  volume: Volume
}

/** The permutation and flips that take a grid with this affine to the orientation `code` (e.g. "RAS"). */
export function axisMappingTo(affine: Mat4, code: string): AxisMapping {
  const target = parseOrientationCode(code)
  if (!target) throw new RangeError(`not an orientation code: "${code}" (three letters, one of R/L, A/P, S/I each)`)
  const native = axisDirections(affine)
  const axes = target.map((t) => native.findIndex((n) => n.world === t.world)) as AxisTriple
  const flip = target.map((t, a) => native[axes[a]!]!.sign !== t.sign) as FlipTriple
  return { axes, flip }
}

/** Native voxel index of a display voxel index. */
export function displayToNative(nativeDims: Vec3, mapping: AxisMapping, v: Vec3): Vec3 {
  const native: Vec3 = [0, 0, 0]
  for (let a = 0; a < 3; a++) {
    const axis = mapping.axes[a]!
    native[axis] = mapping.flip[a] ? nativeDims[axis]! - 1 - v[a]! : v[a]!
  }
  return native
}

/** Display voxel index of a native voxel index (the inverse of `displayToNative`). */
export function nativeToDisplay(nativeDims: Vec3, mapping: AxisMapping, native: Vec3): Vec3 {
  return mapping.axes.map((axis, a) => (mapping.flip[a] ? nativeDims[axis]! - 1 - native[axis]! : native[axis]!)) as Vec3
}

/** The mapping that undoes `mapping`: native axis axes[a] comes from display axis a, flipped alike. */
export function invertMapping(mapping: AxisMapping): AxisMapping {
  const axes: AxisTriple = [0, 0, 0]
  const flip: FlipTriple = [false, false, false]
  mapping.axes.forEach((axis, a) => {
    axes[axis] = a
    flip[axis] = mapping.flip[a]!
  })
  return { axes, flip }
}

/**
 * Reorients a volume exactly (axes permuted and flipped, never resampled) so its voxel axes run along
 * `code`; the affine changes with it so every voxel keeps its world position. An oblique grid goes to the
 * nearest such orientation (its affine stays oblique). A volume already in `code` comes back as it is,
 * data shared, not copied.
 */
export function reorient(volume: Volume, code: string): Reorientation {
  return permuteAxes(volume, axisMappingTo(volume.affine, code))
}

/**
 * Applies an axis mapping: output axis a is input axis axes[a], reversed where flip[a]; the affine follows so
 * world positions stay. `permuteAxes(display, invertMapping(mapping))` gives the native grid back exactly,
 * also for oblique grids where going back by orientation code could meet a 45° tie.
 */
export function permuteAxes(volume: Volume, mapping: AxisMapping): Reorientation {
  const { axes, flip } = mapping
  if (axes[0] === 0 && axes[1] === 1 && axes[2] === 2 && !flip.some(Boolean)) return { volume, axes, flip }

  const nativeDims = volume.dims
  const nativeStride: Vec3 = [1, nativeDims[0], nativeDims[0] * nativeDims[1]]
  const dims = axes.map((axis) => nativeDims[axis]!) as Vec3
  const a = volume.affine
  const affine = [...a] as Mat4
  let offset: Vec3 = [a[3], a[7], a[11]]
  const step: Vec3 = [0, 0, 0]
  let base = 0
  for (let d = 0; d < 3; d++) {
    const axis = axes[d]!
    const sign = flip[d] ? -1 : 1
    // 0 - v, not -v: a flipped zero stays +0.
    for (let r = 0; r < 3; r++) affine[4 * r + d] = flip[d] ? 0 - a[4 * r + axis]! : a[4 * r + axis]!
    step[d] = sign * nativeStride[axis]!
    if (flip[d]) {
      const last = nativeDims[axis]! - 1
      base += last * nativeStride[axis]!
      offset = offset.map((v, r) => v + last * a[4 * r + axis]!) as Vec3
    }
  }
  affine[3] = offset[0]
  affine[7] = offset[1]
  affine[11] = offset[2]

  const src = volume.data
  const dst = new (src.constructor as new (length: number) => VoxelArray)(src.length)
  permuteInto(src, dst, { dims, step, base, components: volume.components })
  return { volume: { ...volume, dims, affine, data: dst }, axes, flip }
}

interface Plan {
  /** Output dims. */
  dims: Vec3
  /** Native voxel step per output axis (negative where flipped). */
  step: Vec3
  /** Native voxel index of output voxel (0, 0, 0). */
  base: number
  components: 1 | 3
}

/*
 * The copy loops work on the raw words of the arrays (1, 2 or 4 bytes; a float64 is two 4-byte words, an
 * RGB voxel three bytes), one function per word size so each stays monomorphic in the JIT: a single loop
 * over every typed-array kind runs several times slower.
 */
function permute8(src: Uint8Array, dst: Uint8Array, plan: Plan, width: number): void {
  const [nx, ny, nz] = plan.dims
  const [sx, sy, sz] = plan.step
  let out = 0
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let index = plan.base + y * sy + z * sz
      if (width === 1) {
        for (let x = 0; x < nx; x++, index += sx) dst[out++] = src[index]!
      } else {
        for (let x = 0; x < nx; x++, index += sx) for (let w = 0; w < width; w++) dst[out++] = src[index * width + w]!
      }
    }
  }
}

function permute16(src: Uint16Array, dst: Uint16Array, plan: Plan): void {
  const [nx, ny, nz] = plan.dims
  const [sx, sy, sz] = plan.step
  let out = 0
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let index = plan.base + y * sy + z * sz
      for (let x = 0; x < nx; x++, index += sx) dst[out++] = src[index]!
    }
  }
}

function permute32(src: Uint32Array, dst: Uint32Array, plan: Plan, width: number): void {
  const [nx, ny, nz] = plan.dims
  const [sx, sy, sz] = plan.step
  let out = 0
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let index = plan.base + y * sy + z * sz
      if (width === 1) {
        for (let x = 0; x < nx; x++, index += sx) dst[out++] = src[index]!
      } else {
        for (let x = 0; x < nx; x++, index += sx) {
          dst[out++] = src[2 * index]!
          dst[out++] = src[2 * index + 1]!
        }
      }
    }
  }
}

function permuteInto(src: VoxelArray, dst: VoxelArray, plan: Plan): void {
  const words = <T>(Type: new (buffer: ArrayBuffer, offset: number, length: number) => T, array: VoxelArray, bytes: number): T =>
    new Type(array.buffer as ArrayBuffer, array.byteOffset, array.byteLength / bytes)
  const elementBytes = src.BYTES_PER_ELEMENT
  if (elementBytes === 1) permute8(words(Uint8Array, src, 1), words(Uint8Array, dst, 1), plan, plan.components)
  else if (elementBytes === 2) permute16(words(Uint16Array, src, 2), words(Uint16Array, dst, 2), plan)
  else permute32(words(Uint32Array, src, 4), words(Uint32Array, dst, 4), plan, elementBytes / 4)
}

/** The volume with its axes running Right, Anterior, Superior: the viewer's display grid. */
export function reorientToRas(volume: Volume): Reorientation {
  return reorient(volume, 'RAS')
}
