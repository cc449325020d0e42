/*
 * Letter-to-sound for words outside the dictionary, learnt from CMUdict itself:
 *
 * 1. Align letters to phones. Each letter emits nothing, one phone or two (x -> k s). Hard EM: start
 *    from P(phone | letter) counted over co-occurrence in a word, find each word's best alignment by
 *    dynamic programming, recount the emissions, repeat (as festival's lts_build.scm does with its
 *    allowables, but with the allowables learnt).
 * 2. Count, for every letter, its emission under letter windows of growing width around it
 *    ((0,0) ... (3,3) letters left and right, '#' beyond the word).
 * 3. Predict each letter's emission from the widest window seen at least `minCount` times in training,
 *    backing off to narrower ones (an n-gram backoff on letter context).
 * Vowels carry CMUdict's stress digit through the rules; at the end one primary stress is kept per word.
 * Phone accuracy on held-out words is measured by `evaluateLetterToSound` and reported in the tests.
 */

/** Letters the rules know; anything else is dropped before prediction. '#' pads the word's edges. */
const alphabet = "#abcdefghijklmnopqrstuvwxyz'"
const base = alphabet.length
const letterId = new Map([...alphabet].map((c, i) => [c, i]))

/** Windows (letters left, letters right), widest first: the order prediction backs off in. */
const windows: readonly [number, number][] = [
  [3, 3], [2, 3], [3, 2], [2, 2], [1, 3], [3, 1], [1, 2], [2, 1], [1, 1], [0, 2], [2, 0], [0, 1], [1, 0], [0, 0],
]

export interface LetterToSoundOptions {
  /** Hard-EM rounds of the letter-phone alignment. */
  alignRounds?: number
  /** A window is trusted when seen this often in training (1: every window seen). */
  minCount?: number
}

export interface LetterToSound {
  /** ARPAbet with stress digits, e.g. ['K', 'AE1', 'T']; empty when the word has no letter the rules know. */
  predict(word: string): string[]
}

/** A word and its pronunciation as CMUdict writes it: "K AE1 T". */
export type LexiconEntry = [word: string, arpabet: string]

function letters(word: string): number[] {
  const ids: number[] = []
  for (const c of word.toLowerCase()) {
    const id = letterId.get(c)
    if (id !== undefined && id > 0) ids.push(id)
  }
  return ids
}

/** Emissions by id: 0 is silence, then phones, then 'A|B' pairs as they are met. */
class Emissions {
  readonly names: string[] = ['']
  private readonly ids = new Map<string, number>([['', 0]])
  id(name: string): number {
    let id = this.ids.get(name)
    if (id === undefined) {
      id = this.names.length
      this.names.push(name)
      this.ids.set(name, id)
    }
    return id
  }
}

export interface Aligned {
  word: number[]
  /** One emission id per letter. */
  out: number[]
}

function align(entries: { word: number[]; phones: number[] }[], emissions: Emissions, rounds: number): Aligned[] {
  const phoneCount = emissions.names.length
  // Round 0: P(phone | letter) from co-occurrence in a word; silence and pairs get fixed shares.
  let single = new Float64Array(base * phoneCount).fill(1e-6)
  for (const { word, phones } of entries) for (const l of word) for (const p of phones) single[l * phoneCount + p]! += 1 / phones.length
  let pairs = new Map<number, number>()
  const normalise = (): void => {
    for (let l = 0; l < base; l++) {
      let sum = 0
      for (let p = 0; p < phoneCount; p++) sum += single[l * phoneCount + p]!
      for (let p = 0; p < phoneCount; p++) single[l * phoneCount + p] = Math.log(single[l * phoneCount + p]! / sum)
    }
  }
  normalise()
  let silence = new Float64Array(base).fill(Math.log(0.1))
  const pairKey = (l: number, a: number, b: number): number => (l * phoneCount + a) * phoneCount + b
  let aligned: Aligned[] = []
  for (let round = 0; round < rounds; round++) {
    const counts = new Float64Array(base * phoneCount).fill(0.01)
    const silenceCounts = new Float64Array(base).fill(0.01)
    const letterTotals = new Float64Array(base).fill(0.01 * (phoneCount + 1))
    const pairCounts = new Map<number, number>()
    aligned = []
    for (const { word, phones } of entries) {
      const n = word.length
      const m = phones.length
      if (m > 2 * n) continue
      const w = m + 1
      const score = new Float64Array((n + 1) * w).fill(-Infinity)
      const from = new Int8Array((n + 1) * w)
      score[0] = 0
      for (let i = 1; i <= n; i++) {
        const l = word[i - 1]!
        for (let j = 0; j <= m; j++) {
          let best = score[(i - 1) * w + j]! + silence[l]!
          let move = 0
          if (j >= 1) {
            const s = score[(i - 1) * w + j - 1]! + single[l * phoneCount + phones[j - 1]!]!
            if (s > best) (best = s), (move = 1)
          }
          if (j >= 2) {
            const a = phones[j - 2]!
            const b = phones[j - 1]!
            const learnt = pairs.get(pairKey(l, a, b))
            const s = score[(i - 1) * w + j - 2]! + (learnt ?? single[l * phoneCount + a]! + single[l * phoneCount + b]! + Math.log(round === 0 ? 1e-2 : 1e-4))
            if (s > best) (best = s), (move = 2)
          }
          score[i * w + j] = best
          from[i * w + j] = move
        }
      }
      if (score[n * w + m] === -Infinity) continue
      const out = new Array<number>(n)
      for (let i = n, j = m; i > 0; i--) {
        const move = from[i * w + j]!
        const l = word[i - 1]!
        letterTotals[l]!++
        if (move === 0) {
          out[i - 1] = 0
          silenceCounts[l]!++
        } else if (move === 1) {
          out[i - 1] = phones[j - 1]!
          counts[l * phoneCount + phones[j - 1]!]!++
        } else {
          out[i - 1] = -pairKey(l, phones[j - 2]!, phones[j - 1]!) - 1
          const key = pairKey(l, phones[j - 2]!, phones[j - 1]!)
          pairCounts.set(key, (pairCounts.get(key) ?? 0) + 1)
        }
        j -= move
      }
      aligned.push({ word, out })
    }
    single = counts
    for (let l = 0; l < base; l++) {
      for (let p = 0; p < phoneCount; p++) single[l * phoneCount + p] = Math.log(single[l * phoneCount + p]! / letterTotals[l]!)
    }
    silence = silenceCounts.map((c, l) => Math.log(c / letterTotals[l]!))
    pairs = new Map([...pairCounts].map(([key, c]) => [key, Math.log(c / letterTotals[Math.floor(key / phoneCount / phoneCount)]!)]))
  }
  // Pairs become emissions of their own.
  for (const a of aligned) {
    a.out = a.out.map((o) => {
      if (o >= 0) return o
      const key = -o - 1
      const second = key % phoneCount
      const first = Math.floor(key / phoneCount) % phoneCount
      return emissions.id(`${emissions.names[first]}|${emissions.names[second]}`)
    })
  }
  return aligned
}

/**
 * The aligned training letters, bucketed by (letter, letter before, letter after): for each, the other
 * letters either side (left ones nearest first) and its emission. Rules are counted on demand from these,
 * for the windows a word needs: holding every window's counts in maps took 5 s and 0.5 GB to build.
 */
interface Instances {
  /** Per instance 4 letters: left 2..3 then right 2..3. */
  context: Uint8Array
  emission: Uint16Array
}

const bucketOf = (letter: number, before: number, after: number): number => (letter * base + before) * base + after

function bucketInstances(aligned: Aligned[]): Map<number, Instances> {
  const sizes = new Map<number, number>()
  const key = (word: number[], i: number): number => bucketOf(word[i]!, word[i - 1] ?? 0, word[i + 1] ?? 0)
  for (const { word } of aligned) for (let i = 0; i < word.length; i++) sizes.set(key(word, i), (sizes.get(key(word, i)) ?? 0) + 1)
  const buckets = new Map([...sizes].map(([k, n]) => [k, { context: new Uint8Array(4 * n), emission: new Uint16Array(n), filled: 0 }]))
  for (const { word, out } of aligned) {
    for (let i = 0; i < word.length; i++) {
      const bucket = buckets.get(key(word, i))!
      const at = bucket.filled++
      bucket.context.set([word[i - 2] ?? 0, word[i - 3] ?? 0, word[i + 2] ?? 0, word[i + 3] ?? 0], 4 * at)
      bucket.emission[at] = out[i]!
    }
  }
  return buckets
}

/**
 * What learning the rules costs seconds for, and all that prediction needs: the emissions' names and every
 * training word's letters, each with its emission. Kept in a file (encodeAlignment) so that a process can
 * skip the alignment (lexicon.ts).
 */
export interface LetterAlignment {
  names: string[]
  aligned: Aligned[]
}

/** Step 1: the dictionary's letters aligned to its phones (hard EM). Deterministic. */
export function alignLexicon(entries: readonly LexiconEntry[], options: LetterToSoundOptions = {}): LetterAlignment {
  const emissions = new Emissions()
  const prepared = entries
    .map(([word, arpabet]) => ({ word: letters(word), phones: arpabet.trim().split(/\s+/).map((p) => emissions.id(p)) }))
    .filter((e) => e.word.length > 0 && e.phones.length > 0)
  const aligned = align(prepared, emissions, options.alignRounds ?? 3)
  return { names: emissions.names, aligned }
}

const alignmentMagic = 'PLTS1'

/** The alignment as bytes: magic, names (JSON) length and text, word count, then per word its length, letters and emissions (uint16). */
export function encodeAlignment({ names, aligned }: LetterAlignment): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(names))
  const letterCount = aligned.reduce((n, a) => n + a.word.length, 0)
  const bytes = new Uint8Array(alignmentMagic.length + 8 + header.length + aligned.length + 3 * letterCount)
  const view = new DataView(bytes.buffer)
  let at = 0
  for (const c of alignmentMagic) bytes[at++] = c.charCodeAt(0)
  view.setUint32(at, header.length, true), (at += 4)
  bytes.set(header, at), (at += header.length)
  view.setUint32(at, aligned.length, true), (at += 4)
  for (const { word, out } of aligned) {
    if (word.length > 255) throw new RangeError(`a word of ${word.length} letters cannot be stored`)
    bytes[at++] = word.length
    for (const l of word) bytes[at++] = l
    for (const e of out) view.setUint16(at, e, true), (at += 2)
  }
  return bytes
}

/** encodeAlignment's bytes back; throws on anything else (a damaged or foreign file). */
export function decodeAlignment(bytes: Uint8Array): LetterAlignment {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fail = (): never => {
    throw new Error('not a letter-to-sound alignment')
  }
  let at = 0
  for (const c of alignmentMagic) if (bytes[at++] !== c.charCodeAt(0)) fail()
  const headerLength = view.getUint32(at, true)
  at += 4
  const names = JSON.parse(new TextDecoder().decode(bytes.subarray(at, at + headerLength))) as unknown
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) fail()
  at += headerLength
  const words = view.getUint32(at, true)
  at += 4
  const aligned: Aligned[] = []
  for (let w = 0; w < words; w++) {
    const n = bytes[at++] ?? fail()
    if (at + 3 * n > bytes.length) fail()
    const word = Array.from(bytes.subarray(at, at + n))
    at += n
    const out = new Array<number>(n)
    for (let i = 0; i < n; i++, at += 2) out[i] = view.getUint16(at, true)
    if (word.some((l) => l === 0 || l >= base) || out.some((e) => e >= (names as string[]).length)) fail()
    aligned.push({ word, out })
  }
  if (at !== bytes.length) fail()
  return { names: names as string[], aligned }
}

/** Learns letter-to-sound rules from dictionary entries (word, ARPAbet). Deterministic. */
export function trainLetterToSound(entries: readonly LexiconEntry[], options: LetterToSoundOptions = {}): LetterToSound {
  return rulesFromAlignment(alignLexicon(entries, options), options)
}

/** Steps 2 and 3: the rules over an alignment. */
export function rulesFromAlignment({ names, aligned }: LetterAlignment, options: LetterToSoundOptions = {}): LetterToSound {
  const { minCount = 1 } = options
  const buckets = bucketInstances(aligned)
  const emissionCount = names.length
  const hasVowel = names.map((name) => /[012]/.test(name))
  // cells[(a * 4 + b) * E + e]: instances whose window matches exactly a letters left and b right.
  const cells = new Int32Array(16 * emissionCount)
  const counts = new Int32Array(windows.length * emissionCount)
  const touched = new Uint8Array(emissionCount)
  const seenEmissions: number[] = []

  function scan(bucket: Instances, left: number[], right: number[], a0: number, b0: number): void {
    const { context, emission } = bucket
    for (let n = 0; n < emission.length; n++) {
      let a = a0
      if (a === 1) while (a < 3 && context[4 * n + a - 1] === left[a]) a++
      let b = b0
      if (b === 1) while (b < 3 && context[4 * n + 1 + b] === right[b]) b++
      const e = emission[n]!
      if (!touched[e]) (touched[e] = 1), seenEmissions.push(e)
      cells[(a * 4 + b) * emissionCount + e]!++
    }
  }

  /**
   * Counts of each emission of the letter at `i` under every window shape. The bucket of its neighbours
   * holds every instance of the (1,1) window and wider; the letter's other buckets (narrower windows)
   * are scanned only when that bucket is empty or `everyWindow` asks.
   */
  function countWindows(word: number[], i: number, everyWindow: boolean): void {
    for (const e of seenEmissions) {
      touched[e] = 0
      for (let c = 0; c < 16; c++) cells[c * emissionCount + e] = 0
      for (let shape = 0; shape < windows.length; shape++) counts[shape * emissionCount + e] = 0
    }
    seenEmissions.length = 0
    const letter = word[i]!
    const left = [word[i - 1] ?? 0, word[i - 2] ?? 0, word[i - 3] ?? 0]
    const right = [word[i + 1] ?? 0, word[i + 2] ?? 0, word[i + 3] ?? 0]
    const own = buckets.get(bucketOf(letter, left[0]!, right[0]!))
    if (own) scan(own, left, right, 1, 1)
    if (!own || everyWindow) {
      for (let before = 0; before < base; before++) {
        for (let after = 0; after < base; after++) {
          const bucket = before === left[0] && after === right[0] ? undefined : buckets.get(bucketOf(letter, before, after))
          if (bucket) scan(bucket, left, right, before === left[0] ? 1 : 0, after === right[0] ? 1 : 0)
        }
      }
    }
    // A window (wl, wr) counts every instance matching at least wl letters left and wr right.
    for (let shape = 0; shape < windows.length; shape++) {
      const [wl, wr] = windows[shape]!
      for (const e of seenEmissions) {
        let sum = 0
        for (let a = wl; a <= 3; a++) for (let b = wr; b <= 3; b++) sum += cells[(a * 4 + b) * emissionCount + e]!
        counts[shape * emissionCount + e] = sum
      }
    }
  }

  /** The most frequent emission under the widest shape seen `minCount` times (optionally: only vowel ones). */
  function choose(vowelOnly: boolean): number | undefined {
    for (let shape = 0; shape < windows.length; shape++) {
      let best = -1
      let seen = 0
      for (const e of seenEmissions) {
        const c = counts[shape * emissionCount + e]!
        if (vowelOnly && !hasVowel[e]) continue
        seen += c
        if (c > 0 && (best < 0 || c > counts[shape * emissionCount + best]!)) best = e
      }
      if (best >= 0 && seen >= minCount) return best
    }
    return undefined
  }

  return {
    predict(word: string): string[] {
      const ids = letters(word)
      const chosen = ids.map((_, i) => {
        countWindows(ids, i, false)
        return choose(false) ?? 0
      })
      // A word with vowel letters is not all consonants: the first vowel letter takes its likeliest vowel.
      if (!chosen.some((e) => hasVowel[e])) {
        const at = ids.findIndex((l) => 'aeiouy'.includes(alphabet[l]!))
        if (at >= 0) {
          countWindows(ids, at, true)
          chosen[at] = choose(true) ?? chosen[at]!
        }
      }
      const phones = chosen.flatMap((e) => (e === 0 ? [] : names[e]!.split('|')))
      return oneMainStress(phones)
    },
  }
}

/** A word has one primary stress: keep the first, demote the rest to secondary; none -> promote the first vowel. */
function oneMainStress(phones: string[]): string[] {
  let primary = false
  const out = phones.map((p) => {
    if (!p.endsWith('1')) return p
    if (!primary) return (primary = true), p
    return p.slice(0, -1) + '2'
  })
  if (!primary) {
    const first = out.findIndex((p) => /[02]$/.test(p))
    if (first >= 0) out[first] = out[first]!.slice(0, -1) + '1'
  }
  return out
}

export interface LetterToSoundScore {
  words: number
  /** 1 - (phone edit distance / reference phones), stress digits ignored. */
  phoneAccuracy: number
  /** Share of words whose phones (stress ignored) are all right. */
  wordAccuracy: number
  /** Share of words whose phones and stress are all right. */
  wordAccuracyWithStress: number
}

export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]!
}

export function evaluateLetterToSound(model: LetterToSound, heldOut: readonly LexiconEntry[]): LetterToSoundScore {
  let errors = 0
  let reference = 0
  let right = 0
  let rightWithStress = 0
  const bare = (p: string): string => p.replace(/[012]$/, '')
  for (const [word, arpabet] of heldOut) {
    const truth = arpabet.trim().split(/\s+/)
    const guess = model.predict(word)
    const distance = editDistance(truth.map(bare), guess.map(bare))
    errors += distance
    reference += truth.length
    if (distance === 0) right++
    if (truth.join(' ') === guess.join(' ')) rightWithStress++
  }
  const words = heldOut.length
  return { words, phoneAccuracy: 1 - errors / Math.max(1, reference), wordAccuracy: right / Math.max(1, words), wordAccuracyWithStress: rightWithStress / Math.max(1, words) }
}
