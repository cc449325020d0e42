import { describe, expect, it } from 'vitest'
import { delta, savgolWeights } from '../../../../main/dsp/features'
import { fixture, maxAbsDiff } from './reference'

interface DeltaFixture {
  rows: number
  cols: number
  data: number[][]
  cases: { width: number; order: number; cols: number; out: number[][] }[]
}
const ref = fixture<DeltaFixture>('delta.json')

describe('delta (librosa.feature.delta, mode=interp: scipy.signal.savgol_filter)', () => {
  it('gives the slope of a linear ramp everywhere, edges included', () => {
    // a + b t is its own least-squares line in every window, so its derivative b comes back at
    // every frame: the interior filter and the edge fits alike; its second derivative is 0.
    const cols = 20
    const ramp = Float32Array.from({ length: 2 * cols }, (_, i) => (i < cols ? 3 + 0.5 * i : -2 * (i - cols)))
    const d1 = delta(ramp, 2, cols)
    for (let t = 0; t < cols; t++) {
      expect(d1[t]).toBeCloseTo(0.5, 6)
      expect(d1[cols + t]).toBeCloseTo(-2, 5)
    }
    const d2 = delta(ramp, 2, cols, { width: 5, order: 2 })
    for (const v of d2) expect(v).toBeCloseTo(0, 5)
  })

  it('uses the Savitzky-Golay first-derivative filter t / sum(t^2) in the interior', () => {
    // for polyorder 1 the least-squares slope over t = -4..4 weighs x[t] by t / 60
    const g = savgolWeights(9, 1, 1, 4)
    expect(Array.from(g)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4].map((t) => expect.closeTo(t / 60, 14)))
    // a parabola t^2 has second derivative 2 everywhere, at the edges too
    const parabola = Float64Array.from({ length: 12 }, (_, t) => t * t)
    for (const v of delta(parabola, 1, 12, { width: 5, order: 2 })) expect(v).toBeCloseTo(2, 5)
  })

  const cases = ref.cases.map((c) => [`width=${c.width} order=${c.order} frames=${c.cols}`, c] as const)
  it.each(cases)('matches the reference, %s', (_, c) => {
    const data = Float64Array.from(ref.data.flatMap((row) => row.slice(0, c.cols)))
    const out = delta(data, ref.rows, c.cols, { width: c.width, order: c.order })
    // float32 output of values below ~3: rounding < 2e-7
    expect(maxAbsDiff(out, c.out.flat())).toBeLessThan(1e-6)
  })

  it('refuses windows longer than the signal, as librosa, saying what to do', () => {
    expect(() => delta(new Float32Array(8), 1, 8)).toThrow(
      'delta width=9 cannot exceed the 8 frames; use a smaller odd width (>= 3) or a longer signal',
    )
    expect(() => delta(new Float32Array(8), 1, 8, { width: 4 })).toThrow(/odd integer >= 3/)
    expect(() => delta(new Float32Array(8), 1, 8, { width: 3, order: 3 })).toThrow(/order must be less than width/)
  })
})
