import { describe, expect, it } from 'vitest'
import { failsPostScreening, meanInterval } from '../../../main/tts/listening/statistics'
import { incompleteBeta, studentTCdf, studentTQuantile } from '../../../main/tts/listening/student-t'

describe("Student's t", () => {
  it('gives the two-sided 95% critical values of the printed tables', () => {
    // t(0.975, df) as printed in every statistics table (Fisher & Yates; NIST handbook 1.3.6.7.2).
    const table: Array<[number, number]> = [[1, 12.706], [2, 4.303], [4, 2.776], [9, 2.262], [29, 2.045], [120, 1.98]]
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3)
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2)
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776, 3)
  })

  it('has the closed forms of df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-3, -0.5, 0, 0.7, 4]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12)
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12)
    }
    // I_x(1, 1) = x; I_x(a, 1) = x^a.
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14)
    expect(incompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 14)
  })
})

describe('the 95% interval of a mean', () => {
  it('matches the interval worked by hand', () => {
    // 60 70 80 90 100: mean 80; squared deviations 400 100 0 100 400 -> s² = 1000 / 4 = 250, s = 15.8114;
    // s / sqrt(5) = 7.0711; t(0.975, 4) = 2.7764 -> half-width 19.632 -> [60.368, 99.632].
    const stats = meanInterval([60, 70, 80, 90, 100])
    expect(stats.n).toBe(5)
    expect(stats.mean).toBe(80)
    expect(stats.sd).toBeCloseTo(15.8114, 4)
    expect(stats.halfWidth).toBeCloseTo(19.632, 3)
    expect(stats.low).toBeCloseTo(60.368, 3)
    expect(stats.high).toBeCloseTo(99.632, 3)
  })

  it('matches a second hand-worked interval with two ratings', () => {
    // 40 and 50: mean 45, s = sqrt(50) = 7.0711, s / sqrt(2) = 5; t(0.975, 1) = 12.7062 -> 45 ± 63.531.
    const stats = meanInterval([40, 50])
    expect(stats.halfWidth).toBeCloseTo(63.531, 3)
    expect(stats.low).toBeCloseTo(-18.531, 3)
  })

  it('gives no interval for one rating or none', () => {
    expect(meanInterval([72])).toEqual({ n: 1, mean: 72, sd: 0, halfWidth: null, low: null, high: null })
    expect(meanInterval([]).n).toBe(0)
    expect(meanInterval([]).low).toBeNull()
  })
})

describe('post-screening (BS.1534-3 4.1.2)', () => {
  it('leaves out a listener who rates the hidden reference below 90 in more than 15% of the trials', () => {
    expect(failsPostScreening([100, 100, 95, 92, 100, 100, 100])).toBe(false)
    // 1 of 7 below 90 is 14.3%: kept; 2 of 7 is 28.6%: left out.
    expect(failsPostScreening([85, 100, 100, 100, 100, 100, 100])).toBe(false)
    expect(failsPostScreening([85, 60, 100, 100, 100, 100, 100])).toBe(true)
    expect(failsPostScreening([])).toBe(false)
  })
})
