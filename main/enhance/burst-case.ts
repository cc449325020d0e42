import { PerceptError } from '../core/errors'
import type { DenseBurstCase, Matrix } from './burst-dense'

/*
 * The case file of `percept enhance burst-step`: {"weights": [W_1..W_L], "feedback": [Y_1..Y_(L-1)],
 * "input": [...], "target": [...], "pbar": 0.2, "loss": "mse"}, matrices as row-major nested lists,
 * W_l of shape n_l x n_(l-1) and Y_l of shape n_l x n_(l+1). pbar defaults to 0.2 and loss to "mse";
 * "beta" and "alpha" (eq. 7) may be given, default 1 and 0. Every shape is checked, and a wrong one is
 * named (which matrix, which shape it must have and why).
 */

const bad = (message: string): PerceptError => new PerceptError('VALIDATION', `The burst-step case is not valid: ${message}`)

function vector(value: unknown, name: string): Float64Array {
  if (!Array.isArray(value) || value.length === 0) throw bad(`${name} must be a non-empty list of numbers.`)
  const at = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v))
  if (at >= 0) throw bad(`${name}[${at}] must be a finite number, got ${JSON.stringify(value[at])}.`)
  return Float64Array.from(value as number[])
}

function matrix(value: unknown, name: string): Matrix {
  if (!Array.isArray(value) || value.length === 0) throw bad(`${name} must be a matrix: a non-empty list of rows, each a list of numbers.`)
  const rows = value.map((row, r) => vector(row, `${name} row ${r}`))
  const cols = rows[0]!.length
  const ragged = rows.findIndex((row) => row.length !== cols)
  if (ragged >= 0) throw bad(`${name} row ${ragged} has ${rows[ragged]!.length} values but row 0 has ${cols}; every row needs the same length.`)
  const data = new Float64Array(rows.length * cols)
  rows.forEach((row, r) => data.set(row, r * cols))
  return { rows: rows.length, cols, data }
}

const shape = (m: Matrix): string => `${m.rows} x ${m.cols}`

/** Checks a parsed case.json and returns it as matrices; VALIDATION errors name the offending part. */
export function parseBurstCase(json: unknown): DenseBurstCase {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('it must be a JSON object with "weights", "feedback", "input" and "target".')
  const c = json as Record<string, unknown>
  if (!Array.isArray(c.weights) || c.weights.length === 0) throw bad('"weights" must be a non-empty list of matrices [W_1, ..., W_L].')
  const weights = c.weights.map((w, l) => matrix(w, `W_${l + 1} (weights[${l}])`))
  const input = vector(c.input, '"input"')
  const sizes = [input.length, ...weights.map((w) => w.rows)]
  weights.forEach((w, l) => {
    if (w.cols !== sizes[l]) {
      const below = l === 0 ? `the input has ${sizes[0]} values` : `W_${l} has ${sizes[l]} rows`
      throw bad(`W_${l + 1} (weights[${l}]) is ${shape(w)} but must be ${w.rows} x ${sizes[l]} (n_${l + 1} x n_${l}): ${below}.`)
    }
  })
  const depth = weights.length
  if (!Array.isArray(c.feedback)) throw bad(`"feedback" must be a list of ${depth - 1} matrices [Y_1, ..., Y_${depth - 1}] (an empty list for one layer).`)
  if (c.feedback.length !== depth - 1) throw bad(`"feedback" holds ${c.feedback.length} matrices; ${depth} layers need ${depth - 1} (Y_1..Y_${depth - 1}, none for the output layer).`)
  const feedback = c.feedback.map((y, i) => {
    const l = i + 1
    const m = matrix(y, `Y_${l} (feedback[${i}])`)
    if (m.rows !== sizes[l] || m.cols !== sizes[l + 1]) {
      throw bad(`Y_${l} (feedback[${i}]) is ${shape(m)} but must be ${sizes[l]} x ${sizes[l + 1]} (n_${l} x n_${l + 1}, the shape of W_${l + 1} transposed).`)
    }
    return m
  })
  const target = vector(c.target, '"target"')
  if (target.length !== sizes[depth]) throw bad(`"target" has ${target.length} values but the output layer has ${sizes[depth]} units (the rows of W_${depth}).`)
  const pbar = c.pbar ?? 0.2
  if (typeof pbar !== 'number' || !(pbar >= 0 && pbar <= 1)) throw bad(`"pbar" is a probability from 0 to 1 (the paper uses 0.2), got ${JSON.stringify(pbar)}.`)
  const loss = c.loss ?? 'mse'
  if (loss !== 'mse') throw bad(`"loss" must be "mse" (0.5 sum (e_L - y)^2), got ${JSON.stringify(loss)}.`)
  const result: DenseBurstCase = { weights, feedback, input, target, pbar, loss }
  for (const key of ['beta', 'alpha'] as const) {
    const v = c[key]
    if (v === undefined) continue
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`"${key}" must be a finite number, got ${JSON.stringify(v)}.`)
    result[key] = v
  }
  return result
}

/** A matrix as row-major nested lists, for JSON. */
export function matrixToLists(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)))
}
