import { seededRandom } from '../../compute/seeded-random'

/** Mulberry32's step: its state after n draws is the seed plus n times this, modulo 2^32 (seeded-random.ts). */
const mulberryStep = 0x6d2b79f5

/**
 * Standard normal numbers from a seed (Box-Muller over Mulberry32), so a synthesis can be repeated exactly.
 * `skip`: start as if that many numbers had been drawn already (in O(1): pairs of uniforms per pair of
 * normals, and Mulberry32 jumps), so a piece of a synthesis made apart draws the same noise as the whole.
 */
export function gaussianNoise(seed: number, skip = 0): () => number {
  const pairs = Math.floor(skip / 2)
  const uniform = seededRandom((seed + Math.imul(2 * pairs, mulberryStep)) >>> 0)
  let spare = Number.NaN
  const next = (): number => {
    if (!Number.isNaN(spare)) {
      const v = spare
      spare = Number.NaN
      return v
    }
    const u = 1 - uniform() // (0, 1]: log(u) is finite
    const radius = Math.sqrt(-2 * Math.log(u))
    const angle = 2 * Math.PI * uniform()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
  if (skip % 2 === 1) next()
  return next
}
