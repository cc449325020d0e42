import type { Vec3 } from './affine'

/**
 * A world position typed by a person: three numbers in mm (RAS+), separated by commas, spaces or
 * semicolons, e.g. "-38, -20, 56" or "-38 -20 56". Null for anything else.
 */
export function parseWorldPoint(text: string): Vec3 | null {
  const parts = text
    .trim()
    .replace(/^\(|\)$/g, '')
    .split(/[\s,;]+/)
    .filter(Boolean)
  if (parts.length !== 3) return null
  const values = parts.map(Number)
  return values.every(Number.isFinite) ? [values[0]!, values[1]!, values[2]!] : null
}
