import { describe, expect, it } from 'vitest'
import { matrixToLists, parseBurstCase } from '../../../main/enhance/burst-case'
import { burstStep } from '../../../main/enhance/burst-dense'

/*
 * A 2-3-2 network of sigmoid units, worked from eqs. (1)-(8) with numpy (float64), independently of the code:
 *   W1 = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]   W2 = [[0.7, -0.4, 0.3], [-0.2, 0.5, 0.9]]
 *   Y1 = [[0.6, -0.1], [-0.3, 0.4], [0.2, 0.7]]   x = [1, 0.5]   y = [1, 0]   pbar = 0.2
 * (1,2) v1 = W1 x = [0.35, 0.6, -0.55]           e1 = sigmoid(v1) = [0.58661758, 0.64565631, 0.36586441]
 *       v2 = W2 e1 = [0.26212911, 0.53478261]    e2 = [0.56515960, 0.63059789]
 * (3)   dL/de2 = e2 - y = [-0.43484040, 0.63059789]; h(e2) = 1 - e2 = [0.43484040, 0.36940211]
 *       p2 = clip(0.2 (1 - h dL), 0, 1) = [0.2 (1 + 0.18908617), 0.2 (1 - 0.23294419)] = [0.23781723, 0.15341116]
 * (5)   b2 = p2 e2 = [0.13440469, 0.09674075]    bbar2 = 0.2 e2 = [0.11303192, 0.12611958]
 * (6)   u1 = (1 - e1) (Y1 b2) = [0.02933723, -0.00057585, 0.05998889]
 *       ubar1 = (1 - e1) (Y1 bbar2) = [0.02282168, 0.00586023, 0.07031935]
 * (7)   p1 = sigmoid(u1) = [0.50733378, 0.49985604, 0.51499273]; pbar1 = sigmoid(ubar1) = [0.50570517, 0.50146505, 0.51757260]
 * (5)   b1 = p1 e1 = [0.29761091, 0.32273520, 0.18841751]; bbar1 = pbar1 e1 = [0.29665554, 0.32377407, 0.18936139]
 * (8)   G2 = -(b2 - bbar2) e1^T, G1 = -(b1 - bbar1) x^T:
 */
const W1 = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]
const W2 = [[0.7, -0.4, 0.3], [-0.2, 0.5, 0.9]]
const Y1 = [[0.6, -0.1], [-0.3, 0.4], [0.2, 0.7]]
const base = { weights: [W1, W2], feedback: [Y1], input: [1, 0.5], target: [1, 0], pbar: 0.2, loss: 'mse' }
const G1 = [[-0.00095537017467756, -0.00047768508733878], [0.00103886998752439, 0.0005194349937622], [0.0009438830160669, 0.00047194150803345]]
const G2 = [[-0.01253764445792354, -0.01379946578555571, -0.00781953702816217], [0.01723413403838295, 0.01896862236000384, 0.01074866572534509]]

function expectMatrix(got: number[][], want: number[][], digits: number): void {
  expect(got.length).toBe(want.length)
  got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(want[r]![c]!, digits)))
}

describe('burstStep: burst propagation in a dense sigmoid network (eqs. 1-8)', () => {
  it('matches the 2-3-2 network worked by hand', () => {
    const step = burstStep(parseBurstCase(base))
    expect(Array.from(step.e[0]!)).toEqual([0.5866175789173301, 0.6456563062257954, 0.36586440898919936].map((v) => expect.closeTo(v, 14)))
    expect(Array.from(step.e[1]!)).toEqual([0.5651596008673506, 0.6305978862841181].map((v) => expect.closeTo(v, 14)))
    expect(Array.from(step.p[1]!)).toEqual([0.2378172345435684, 0.1534111615803759].map((v) => expect.closeTo(v, 14)))
    expect(Array.from(step.pBar[0]!)).toEqual([0.505705173302055, 0.5014650523853289, 0.5175725973895831].map((v) => expect.closeTo(v, 14)))
    expectMatrix(matrixToLists(step.grad[0]!), G1, 15)
    expectMatrix(matrixToLists(step.grad[1]!), G2, 15)
    expect(step.loss).toBeCloseTo(0.29336993345191964, 14)
    // the feedback weights' change is the layer above's, transposed: GY1 = G2^T (3 x 2)
    expectMatrix(matrixToLists(step.feedbackGrad[0]!), [0, 1, 2].map((c) => [G2[0]![c]!, G2[1]![c]!]), 15)
  })

  it('is pbar times backprop at the output: G2 = 0.2 (e2 - y) e2 (1 - e2) e1^T', () => {
    const step = burstStep(parseBurstCase(base))
    const [e1, e2] = [step.e[0]!, step.e[1]!]
    const y = [1, 0]
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 3; c++) expect(step.grad[1]!.data[r * 3 + c]).toBeCloseTo(0.2 * (e2[r]! - y[r]!) * e2[r]! * (1 - e2[r]!) * e1[c]!, 15)
    }
  })

  it('clips the output burst probability to [0, 1]', () => {
    // y = [20, -20]: 0.2 (1 - h dL) = [1.89021075, -1.32419729] clips to [1, 0], so b2 - bbar2 = [0.8 e2_0, -0.2 e2_1]
    // and G2 = [-0.8 e2_0 e1, 0.2 e2_1 e1] = [-0.8 * 0.56515960 e1, 0.2 * 0.63059789 e1]
    const step = burstStep(parseBurstCase({ ...base, target: [20, -20] }))
    expect(Array.from(step.p[1]!)).toEqual([1, 0])
    expectMatrix(matrixToLists(step.grad[1]!), [
      [-0.26522605, -0.29191909, -0.16541743],
      [0.07398396, 0.0814299, 0.04614266],
    ], 8)
    expectMatrix(matrixToLists(step.grad[0]!), [[-1.71771089e-2, -8.58855447e-3], [1.06404753e-2, 5.32023764e-3], [-1.24073924e-4, -6.20369621e-5]], 9)
  })

  it('takes beta and alpha of eq. (7)', () => {
    // numpy: p1 = sigmoid(2 u1 - 1), pbar1 = sigmoid(2 ubar1 - 1)
    const step = burstStep(parseBurstCase({ ...base, beta: 2, alpha: -1 }))
    expectMatrix(matrixToLists(step.grad[0]!), [[-0.00153879, -0.00076939], [0.00163802, 0.00081901], [0.00157308, 0.00078654]], 8)
  })

  it('gives no gradient when the output already equals the target', () => {
    const e2 = burstStep(parseBurstCase(base)).e[1]!
    const step = burstStep(parseBurstCase({ ...base, target: Array.from(e2) }))
    for (const g of step.grad) for (const v of g.data) expect(Math.abs(v)).toBeLessThan(1e-15)
  })
})

describe('parseBurstCase', () => {
  it('names the offending matrix and the shape it must have', () => {
    const wrong = (patch: Record<string, unknown>) => () => parseBurstCase({ ...base, ...patch })
    expect(wrong({ weights: [W1, [[0.7, -0.4], [0.1, 0.2]]] })).toThrow('W_2 (weights[1]) is 2 x 2 but must be 2 x 3 (n_2 x n_1): W_1 has 3 rows.')
    expect(wrong({ input: [1, 2, 3] })).toThrow('W_1 (weights[0]) is 3 x 2 but must be 3 x 3 (n_1 x n_0): the input has 3 values.')
    expect(wrong({ feedback: [[[1, 2, 3], [4, 5, 6]]] })).toThrow('Y_1 (feedback[0]) is 2 x 3 but must be 3 x 2 (n_1 x n_2, the shape of W_2 transposed).')
    expect(wrong({ feedback: [] })).toThrow(/"feedback" holds 0 matrices; 2 layers need 1/)
    expect(wrong({ target: [1] })).toThrow(/"target" has 1 values but the output layer has 2 units/)
    expect(wrong({ weights: [[[1, 2], [3]], W2] })).toThrow(/W_1 \(weights\[0\]\) row 1 has 1 values but row 0 has 2/)
    expect(wrong({ input: [1, 'a'] })).toThrow(/"input"\[1\] must be a finite number, got "a"/)
    expect(wrong({ loss: 'bce' })).toThrow(/"loss" must be "mse"/)
    expect(wrong({ pbar: 1.5 })).toThrow(/"pbar" is a probability from 0 to 1/)
    expect(() => parseBurstCase([])).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})
