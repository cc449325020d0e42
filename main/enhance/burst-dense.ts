/*
 * Burst propagation (Payeur et al. 2021, as the MBURST paper's eqs. 1-8) for a dense network of sigmoid
 * units: the reference the trained models and `percept enhance burst-step` are checked against.
 * Layers l = 1..L; layer 0 is the input, which has an event rate (e_0 = x) but no bursts.
 *
 *   v_l = W_l e_(l-1)                  (1)  no biases, as eq. (1) and the burst-step case file
 *   e_l = f(v_l) = sigmoid(v_l)        (2)
 *   h(e_l) = f'(v_l) / e_l = 1 - e_l   (4)  for the sigmoid, f' = e (1 - e)
 * Output layer L (teaching signal from the loss; mse: L = 1/2 sum (e_L - y)^2, dL/de_L = e_L - y):
 *   p_L    = clip(pbar * (1 - h(e_L) * dL/de_L), 0, 1)   (3) as Payeur et al.'s reference code; the
 *            paper's eq. (3) writes zeta(pbar - h dL/de): the same direction, the correction scaled by
 *            pbar, so that b_L - bbar_L = -pbar f'(v_L) dL/de_L (pbar times backprop's error) until clipped
 *   pbar_L = pbar                                          (no teaching: the reference probability)
 * Hidden layers l = L-1..1, from the bursts of the layer above through the feedback weights Y_l (n_l x n_(l+1)):
 *   u_l    = h(e_l) * (Y_l b_(l+1)),    ubar_l = h(e_l) * (Y_l bbar_(l+1))   (6)
 *   p_l    = sigmoid(beta u_l + alpha), pbar_l = sigmoid(beta ubar_l + alpha)   (7)  beta = 1, alpha = 0,
 *            the same transfer for both streams (with and without teaching), as the issue fixes
 * Every layer:
 *   b_l = p_l * e_l,  bbar_l = pbar_l * e_l   (5)  burst rates with and without teaching
 *   G_l = -(b_l - bbar_l) e_(l-1)^T           (8)  n_l x n_(l-1): the gradient estimate handed to the
 *         optimiser (which steps W_l -= lr * G_l); at the output, where p_L is not clipped, it is pbar * dL/dW_L
 *   feedback: Y_l is updated by the same rule transposed, GY_l = G_(l+1)^T (n_l x n_(l+1)), so Y_l
 *         tracks W_(l+1)^T as eq. (8)'s Delta W = Delta Y says.
 * Products written * are elementwise; bursts are computed from the top down, after the forward pass.
 */

/** A row-major matrix. */
export interface Matrix {
  rows: number
  cols: number
  data: Float64Array
}

export type BurstLoss = 'mse'

export interface DenseBurstCase {
  /** W_1..W_L, W_l of shape n_l x n_(l-1). */
  weights: Matrix[]
  /** Y_1..Y_(L-1), Y_l of shape n_l x n_(l+1). */
  feedback: Matrix[]
  input: Float64Array
  target: Float64Array
  /** Output reference burst probability (the paper and Payeur et al.: 0.2). */
  pbar: number
  loss: BurstLoss
  /** Dendritic transfer slope and offset of eq. (7); 1 and 0 by default. */
  beta?: number
  alpha?: number
}

export interface BurstStep {
  /** e_1..e_L (e_0, the input, left out). */
  e: Float64Array[]
  p: Float64Array[]
  pBar: Float64Array[]
  b: Float64Array[]
  bBar: Float64Array[]
  /** G_1..G_L. */
  grad: Matrix[]
  /** GY_1..GY_(L-1). */
  feedbackGrad: Matrix[]
  loss: number
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))
const clip01 = (v: number): number => Math.min(1, Math.max(0, v))

function matVec(m: Matrix, x: Float64Array): Float64Array {
  const out = new Float64Array(m.rows)
  for (let r = 0; r < m.rows; r++) {
    let sum = 0
    for (let c = 0; c < m.cols; c++) sum += m.data[r * m.cols + c]! * x[c]!
    out[r] = sum
  }
  return out
}

/** -(b - bbar) below^T. */
function burstOuter(b: Float64Array, bBar: Float64Array, below: Float64Array): Matrix {
  const data = new Float64Array(b.length * below.length)
  for (let r = 0; r < b.length; r++) {
    const d = -(b[r]! - bBar[r]!)
    for (let c = 0; c < below.length; c++) data[r * below.length + c] = d * below[c]!
  }
  return { rows: b.length, cols: below.length, data }
}

function transpose(m: Matrix): Matrix {
  const data = new Float64Array(m.data.length)
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) data[c * m.rows + r] = m.data[r * m.cols + c]!
  return { rows: m.cols, cols: m.rows, data }
}

/** One burst-propagation step (forward pass, then bursts from the top down): eqs. (1)-(8) as stated above. Shapes are assumed checked (parseBurstCase). */
export function burstStep(c: DenseBurstCase): BurstStep {
  const beta = c.beta ?? 1
  const alpha = c.alpha ?? 0
  const depth = c.weights.length
  const e: Float64Array[] = []
  let below = c.input
  for (const w of c.weights) {
    below = matVec(w, below).map(sigmoid)
    e.push(below)
  }
  const top = e[depth - 1]!
  let loss = 0
  const p: Float64Array[] = new Array<Float64Array>(depth)
  const pBar: Float64Array[] = new Array<Float64Array>(depth)
  const dLoss = top.map((v, i) => v - c.target[i]!)
  dLoss.forEach((d) => (loss += 0.5 * d * d))
  p[depth - 1] = top.map((v, i) => clip01(c.pbar * (1 - (1 - v) * dLoss[i]!)))
  pBar[depth - 1] = new Float64Array(top.length).fill(c.pbar)
  const b: Float64Array[] = new Array<Float64Array>(depth)
  const bBar: Float64Array[] = new Array<Float64Array>(depth)
  b[depth - 1] = top.map((v, i) => p[depth - 1]![i]! * v)
  bBar[depth - 1] = top.map((v, i) => pBar[depth - 1]![i]! * v)
  for (let l = depth - 2; l >= 0; l--) {
    const el = e[l]!
    const yb = matVec(c.feedback[l]!, b[l + 1]!)
    const ybBar = matVec(c.feedback[l]!, bBar[l + 1]!)
    p[l] = el.map((v, i) => sigmoid(beta * (1 - v) * yb[i]! + alpha))
    pBar[l] = el.map((v, i) => sigmoid(beta * (1 - v) * ybBar[i]! + alpha))
    b[l] = el.map((v, i) => p[l]![i]! * v)
    bBar[l] = el.map((v, i) => pBar[l]![i]! * v)
  }
  const grad = e.map((_, l) => burstOuter(b[l]!, bBar[l]!, l === 0 ? c.input : e[l - 1]!))
  const feedbackGrad = c.feedback.map((_, l) => transpose(grad[l + 1]!))
  return { e, p, pBar, b, bBar, grad, feedbackGrad, loss }
}
