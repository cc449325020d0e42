/*
 * The phone set: what festival's cmu_us_slt_arctic_hts voice writes into its Segment relation, so the
 * front end, the corpus and the models share one inventory. That voice uses festival's `radio` phone set
 * (radio_phones.scm): ARPAbet in lower case, `ax` for the reduced vowel (CMUdict's AH0), `pau` for silence.
 * Checked with festival 2.5: (PhoneSet.list) -> (radio); (lex.lookup "button") -> b ah1 . t ax n.
 * The features per phone are radio_phones.scm's table, columns in its order.
 */

export interface PhoneFeatures {
  /** Vowel (+) or consonant (-). */
  vc: '+' | '-'
  /** Vowel length: short, long, diphthong, schwa, 0 for consonants. */
  vlng: 's' | 'l' | 'd' | 'a' | '0'
  /** Vowel height 1 (high) to 3 (low). */
  vheight: '1' | '2' | '3' | '0'
  /** Vowel frontness 1 (front) to 3 (back). */
  vfront: '1' | '2' | '3' | '0'
  /** Lip rounding. */
  vrnd: '+' | '-' | '0'
  /** Consonant type: stop, fricative, affricate, nasal, lateral, approximant. */
  ctype: 's' | 'f' | 'a' | 'n' | 'l' | 'r' | '0'
  /** Place: labial, alveolar, palatal, labio-dental, dental, velar. */
  cplace: 'l' | 'a' | 'p' | 'b' | 'd' | 'v' | 'g' | '0'
  /** Voiced. */
  cvox: '+' | '-' | '0'
}

type Row = [string, ...string[]]
// prettier-ignore
const table: Row[] = [
  ['aa', '+', 'l', '3', '3', '-', '0', '0', '0'], ['ae', '+', 's', '3', '1', '-', '0', '0', '0'],
  ['ah', '+', 's', '2', '2', '-', '0', '0', '0'], ['ao', '+', 'l', '3', '3', '+', '0', '0', '0'],
  ['aw', '+', 'd', '3', '2', '-', '0', '0', '0'], ['ax', '+', 'a', '2', '2', '-', '0', '0', '0'],
  ['axr', '+', 'a', '2', '2', '-', 'r', 'a', '+'], ['ay', '+', 'd', '3', '2', '-', '0', '0', '0'],
  ['b', '-', '0', '0', '0', '0', 's', 'l', '+'], ['ch', '-', '0', '0', '0', '0', 'a', 'p', '-'],
  ['d', '-', '0', '0', '0', '0', 's', 'a', '+'], ['dh', '-', '0', '0', '0', '0', 'f', 'd', '+'],
  ['dx', '-', 'a', '0', '0', '0', 's', 'a', '+'], ['eh', '+', 's', '2', '1', '-', '0', '0', '0'],
  ['el', '+', 's', '0', '0', '0', 'l', 'a', '+'], ['em', '+', 's', '0', '0', '0', 'n', 'l', '+'],
  ['en', '+', 's', '0', '0', '0', 'n', 'a', '+'], ['er', '+', 'a', '2', '2', '-', 'r', '0', '0'],
  ['ey', '+', 'd', '2', '1', '-', '0', '0', '0'], ['f', '-', '0', '0', '0', '0', 'f', 'b', '-'],
  ['g', '-', '0', '0', '0', '0', 's', 'v', '+'], ['hh', '-', '0', '0', '0', '0', 'f', 'g', '-'],
  ['hv', '-', '0', '0', '0', '0', 'f', 'g', '+'], ['ih', '+', 's', '1', '1', '-', '0', '0', '0'],
  ['iy', '+', 'l', '1', '1', '-', '0', '0', '0'], ['jh', '-', '0', '0', '0', '0', 'a', 'p', '+'],
  ['k', '-', '0', '0', '0', '0', 's', 'v', '-'], ['l', '-', '0', '0', '0', '0', 'l', 'a', '+'],
  ['m', '-', '0', '0', '0', '0', 'n', 'l', '+'], ['n', '-', '0', '0', '0', '0', 'n', 'a', '+'],
  ['nx', '-', '0', '0', '0', '0', 'n', 'd', '+'], ['ng', '-', '0', '0', '0', '0', 'n', 'v', '+'],
  ['ow', '+', 'd', '2', '3', '+', '0', '0', '0'], ['oy', '+', 'd', '2', '3', '+', '0', '0', '0'],
  ['p', '-', '0', '0', '0', '0', 's', 'l', '-'], ['r', '-', '0', '0', '0', '0', 'r', 'a', '+'],
  ['s', '-', '0', '0', '0', '0', 'f', 'a', '-'], ['sh', '-', '0', '0', '0', '0', 'f', 'p', '-'],
  ['t', '-', '0', '0', '0', '0', 's', 'a', '-'], ['th', '-', '0', '0', '0', '0', 'f', 'd', '-'],
  ['uh', '+', 's', '1', '3', '+', '0', '0', '0'], ['uw', '+', 'l', '1', '3', '+', '0', '0', '0'],
  ['v', '-', '0', '0', '0', '0', 'f', 'b', '+'], ['w', '-', '0', '0', '0', '0', 'r', 'l', '+'],
  ['y', '-', '0', '0', '0', '0', 'r', 'p', '+'], ['z', '-', '0', '0', '0', '0', 'f', 'a', '+'],
  ['zh', '-', '0', '0', '0', '0', 'f', 'p', '+'], ['pau', '-', '0', '0', '0', '0', '0', '0', '-'],
]

/** The silence phone festival writes at utterance edges and phrase breaks. */
export const pause = 'pau'

/** Every phone of the set, in radio_phones.scm's order; the index is a phone's id in feature vectors. */
export const phoneSet: readonly string[] = table.map((row) => row[0])

const featuresByPhone = new Map<string, PhoneFeatures>(
  table.map(([name, vc, vlng, vheight, vfront, vrnd, ctype, cplace, cvox]) => [
    name,
    { vc, vlng, vheight, vfront, vrnd, ctype, cplace, cvox } as PhoneFeatures,
  ]),
)

export function isPhone(name: string): boolean {
  return featuresByPhone.has(name)
}

export function phoneFeatures(name: string): PhoneFeatures {
  const features = featuresByPhone.get(name)
  if (!features) throw new Error(`${name} is not a phone of the radio phone set`)
  return features
}

export function isVowel(name: string): boolean {
  return featuresByPhone.get(name)?.vc === '+'
}

/**
 * One CMUdict ARPAbet symbol (e.g. "AH0", "EY1", "K") as festival's phone and stress: lower case, the
 * stress digit split off (null for consonants), AH0 -> ax as festival's CMU lexicon writes it.
 */
export function fromArpabet(symbol: string): { phone: string; stress: 0 | 1 | 2 | null } {
  const match = /^([A-Za-z]+)([012])?$/.exec(symbol)
  if (!match) throw new Error(`${symbol} is not an ARPAbet symbol`)
  const base = match[1]!.toLowerCase()
  const stress = match[2] === undefined ? null : (Number(match[2]) as 0 | 1 | 2)
  return { phone: base === 'ah' && stress === 0 ? 'ax' : base, stress }
}
