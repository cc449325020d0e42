import { createHash } from 'node:crypto'
import { seededRandom } from '../../compute/seeded-random'

/*
 * MUSHRA's randomisation (BS.1534-3, Sec. 5.2: the order of trials and the order of the conditions in
 * each trial random for every listener), seeded by the test and the listener's name: the same listener
 * comes back to the same order, and two listeners hear different ones.
 */

export function seedFor(...parts: string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0)
}

/** Fisher-Yates with the given generator. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** The trials (sentence indices) in random order, each with its conditions in random order. */
export function listenerOrder(test: string, listener: string, sentences: number, conditions: readonly string[]): Array<{ sentence: number; order: string[] }> {
  const random = seededRandom(seedFor(test, listener))
  const trials = shuffled(Array.from({ length: sentences }, (_, i) => i), random)
  return trials.map((sentence) => ({ sentence, order: shuffled(conditions, random) }))
}
