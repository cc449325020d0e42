import { PerceptError } from '../../core/errors'

/*
 * GRID's grammar (Cooke et al. 2006): every sentence is six words, command colour preposition letter
 * digit adverb ("place blue at F two now"), and GRID names each utterance by the first letter of each
 * word with the digit as a figure and zero as "z" ("pbaf2n"). We follow the grammar and the naming so
 * a fixture's utterances read like GRID's and one loader takes both. The letters are GRID's 25 (no W).
 */

export const GRID_COMMANDS = ['bin', 'lay', 'place', 'set'] as const
export const GRID_COLOURS = ['blue', 'green', 'red', 'white'] as const
export const GRID_PREPOSITIONS = ['at', 'by', 'in', 'with'] as const
export const GRID_LETTERS = 'abcdefghijklmnopqrstuvxyz'.split('')
export const GRID_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const
export const GRID_ADVERBS = ['again', 'now', 'please', 'soon'] as const

/** One sentence as indices into the six word lists. */
export interface GridSentence {
  command: number
  colour: number
  preposition: number
  letter: number
  digit: number
  adverb: number
}

/** The sentence's six words, the letter in capitals so a synthesiser spells it ("F" is "eh f", not a word). */
export function sentenceWords(s: GridSentence): string[] {
  return [GRID_COMMANDS[s.command]!, GRID_COLOURS[s.colour]!, GRID_PREPOSITIONS[s.preposition]!, GRID_LETTERS[s.letter]!.toUpperCase(), GRID_DIGITS[s.digit]!, GRID_ADVERBS[s.adverb]!]
}

export function sentenceText(s: GridSentence): string {
  return sentenceWords(s).join(' ')
}

/** GRID's utterance name: the words' first letters, the digit as a figure, zero as "z" ("place blue at F two now" -> "pbaf2n"). */
export function sentenceId(s: GridSentence): string {
  const digit = s.digit === 0 ? 'z' : String(s.digit)
  return `${GRID_COMMANDS[s.command]![0]}${GRID_COLOURS[s.colour]![0]}${GRID_PREPOSITIONS[s.preposition]![0]}${GRID_LETTERS[s.letter]}${digit}${GRID_ADVERBS[s.adverb]![0]}`
}

/** The grammar's size: 4 x 4 x 4 x 25 x 10 x 4 = 64,000 sentences. */
export const GRID_SENTENCE_COUNT = 4 * 4 * 4 * 25 * 10 * 4

/** `count` different sentences drawn uniformly with `random` (a seeded generator), in the order drawn. */
export function drawSentences(count: number, random: () => number): GridSentence[] {
  if (!Number.isInteger(count) || count < 1 || count > GRID_SENTENCE_COUNT) {
    throw new PerceptError('VALIDATION', `The number of sentences must be a whole number from 1 to ${GRID_SENTENCE_COUNT}, got ${count}.`)
  }
  const pick = (n: number) => Math.floor(random() * n)
  const seen = new Set<string>()
  const out: GridSentence[] = []
  while (out.length < count) {
    const s = { command: pick(4), colour: pick(4), preposition: pick(4), letter: pick(25), digit: pick(10), adverb: pick(4) }
    const id = sentenceId(s)
    if (seen.has(id)) continue
    seen.add(id)
    out.push(s)
  }
  return out
}
