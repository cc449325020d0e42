import { fromArpabet, isVowel } from '../phones'

/*
 * Syllables by the maximal onset principle: between two vowels, the consonants go to the following
 * syllable as far as they still form an onset English allows word-initially; the rest close the previous
 * syllable. So "extra" is eh k . s t r ax and "window" w ih n . d ow. (Pure maximal onset: no
 * ambisyllabic consonants, so a stressed lax vowel may end a syllable, as in b ah . t ax n.)
 * Stress is CMUdict's digit on the syllable's vowel: 1 primary, 2 secondary, 0 none.
 */

export interface Syllable {
  /** Festival phone names. */
  phones: string[]
  stress: 0 | 1 | 2
}

/** Two- and three-consonant onsets (single consonants are all allowed but ng). */
const clusters = new Set(
  [
    'p r', 'p l', 'p y', 'b r', 'b l', 'b y', 't r', 't w', 'd r', 'd w', 'k r', 'k l', 'k w', 'k y', 'g r', 'g l', 'g w',
    'g y', 'f r', 'f l', 'f y', 'th r', 'th w', 'sh r', 'v y', 'm y', 'n y', 'hh y', 'hh w', 's p', 's t', 's k', 's m',
    's n', 's l', 's w', 's f', 's p r', 's p l', 's p y', 's t r', 's k r', 's k w', 's k y', 's k l',
  ],
)

export function isOnset(consonants: readonly string[]): boolean {
  if (consonants.length === 0) return true
  if (consonants.length === 1) return consonants[0] !== 'ng'
  return clusters.has(consonants.join(' '))
}

/** Splits a word's ARPAbet pronunciation into syllables. A word without a vowel is one syllable. */
export function syllabify(arpabet: readonly string[]): Syllable[] {
  const phones = arpabet.map(fromArpabet)
  const nuclei = phones.flatMap((p, i) => (isVowel(p.phone) ? [i] : []))
  if (nuclei.length === 0) return phones.length ? [{ phones: phones.map((p) => p.phone), stress: 0 }] : []
  // Each syllable starts where its onset starts: the longest legal tail of the consonants before its vowel.
  const starts = nuclei.map((nucleus, k) => {
    if (k === 0) return 0
    const previous = nuclei[k - 1]!
    let start = nucleus
    while (start - 1 > previous && isOnset(phones.slice(start - 1, nucleus).map((p) => p.phone))) start--
    return start
  })
  return starts.map((start, k) => ({
    phones: phones.slice(start, starts[k + 1] ?? phones.length).map((p) => p.phone),
    stress: phones[nuclei[k]!]!.stress ?? 0,
  }))
}
