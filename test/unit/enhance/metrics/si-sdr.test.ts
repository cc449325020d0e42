import { describe, expect, it } from 'vitest'
import { siSdr } from '../../../../main/enhance/metrics/si-sdr'
import { snrDb, snrImprovement } from '../../../../main/enhance/metrics/snr'

describe('SI-SDR and SNR', () => {
  it('ignores scale and measures what is not the reference', () => {
    const s = [1, -1, 1, -1]
    const e = [0.5, 0.5, 0.5, 0.5] // orthogonal to s
    // estimate = 2 s + e: alpha = <2s + e, s> / ||s||^2 = 2, target energy 4 * 4 = 16, residual ||e||^2 = 1
    const est = s.map((v, i) => 2 * v + e[i]!)
    expect(siSdr(s, est)).toBeCloseTo(10 * Math.log10(16), 12)
    expect(siSdr(s, s.map((v) => 3 * v))).toBe(Infinity)
    // SNR is not scale-invariant: s_hat - s = s + e, energy 4 + 1
    expect(snrDb(s, est)).toBeCloseTo(10 * Math.log10(4 / 5), 12)
  })

  it('reports the SNR improvement of the enhanced over the noisy signal', () => {
    const s = [1, 2, 3, 4]
    const noisy = [2, 3, 4, 5] // error energy 4: SNR 10 log10(30 / 4)
    const enhanced = [1.5, 2.5, 3.5, 4.5] // error energy 1: SNR 10 log10(30)
    expect(snrImprovement(s, noisy, enhanced)).toBeCloseTo(10 * Math.log10(4), 12)
    expect(() => siSdr([0, 0], [1, 1])).toThrow(/not silent/)
    expect(() => siSdr([1, 2], [1])).toThrow(/equal length/)
  })
})
