/*
 * The front end's phones against the corpus's aligned ones. Festival's phones (the .lab files) and ours come
 * from different lexicons and rules, so they may differ in a few places; the training data needs, for each
 * timed phone, the linguistic features of the phone our front end would say there. The two sequences are
 * aligned by edit distance (Levenshtein, unit costs; on a tie a match or substitution is preferred, then a
 * phone only in the .lab, then one only in ours), and every .lab phone takes the front-end phone it is paired
 * with; one with no partner takes the nearest paired front-end phone before it (after it at the start).
 */

export interface PhoneAlignment {
  /** For each .lab phone, the index of its front-end phone. */
  frontIndex: number[]
  matches: number
  substitutions: number
  /** .lab phones with no front-end partner. */
  insertions: number
  /** Front-end phones with no .lab partner. */
  deletions: number
  /** (substitutions + insertions + deletions) / .lab phones. */
  mismatchRate: number
}

export function alignPhones(lab: readonly string[], front: readonly string[]): PhoneAlignment {
  const n = lab.length
  const m = front.length
  const cost = Array.from({ length: n + 1 }, (_, i) => Int32Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[i]![j] = Math.min(cost[i - 1]![j - 1]! + (lab[i - 1] === front[j - 1] ? 0 : 1), cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1)
    }
  }
  const paired = new Array<number>(n).fill(-1)
  let matches = 0
  let substitutions = 0
  let insertions = 0
  let deletions = 0
  let i = n
  let j = m
  while (i > 0 || j > 0) {
    const here = cost[i]![j]!
    if (i > 0 && j > 0 && here === cost[i - 1]![j - 1]! + (lab[i - 1] === front[j - 1] ? 0 : 1)) {
      paired[i - 1] = j - 1
      if (lab[i - 1] === front[j - 1]) matches++
      else substitutions++
      i--
      j--
    } else if (i > 0 && here === cost[i - 1]![j]! + 1) {
      insertions++
      i--
    } else {
      deletions++
      j--
    }
  }
  const frontIndex = paired.slice()
  let last = -1
  for (let k = 0; k < n; k++) {
    if (paired[k]! >= 0) last = paired[k]!
    else frontIndex[k] = last
  }
  const first = paired.find((p) => p >= 0) ?? 0
  for (let k = 0; k < n && frontIndex[k]! < 0; k++) frontIndex[k] = first
  return { frontIndex, matches, substitutions, insertions, deletions, mismatchRate: n ? (substitutions + insertions + deletions) / n : 0 }
}
