import { seededRandom } from '../../compute/seeded-random'

/** Standard normal numbers from a seed (Box-Muller over Mulberry32), so a synthesis can be repeated exactly. */
export function gaussianNoise(seed: number): () => number {
  const uniform = seededRandom(seed)
  let spare = Number.NaN
  return () => {
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
}
