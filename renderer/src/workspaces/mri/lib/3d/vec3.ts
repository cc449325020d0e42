/** A point or direction in world millimetres, RAS+: x grows to the patient's Right, y Anterior, z Superior. */
export type Vec3 = [number, number, number]

export function add(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!]
}

export function sub(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!]
}

export function scale(a: readonly number[], s: number): Vec3 {
  return [a[0]! * s, a[1]! * s, a[2]! * s]
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]
}

export function length(a: readonly number[]): number {
  return Math.hypot(a[0]!, a[1]!, a[2]!)
}

/** The unit vector along `a`; the zero vector stays zero. */
export function normalize(a: readonly number[]): Vec3 {
  const n = length(a)
  return n === 0 ? [0, 0, 0] : scale(a, 1 / n)
}
