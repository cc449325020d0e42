import { describe, expect, it } from 'vitest'
import { GAIN_FLOOR, maskGain } from '../../../../main/enhance/train/mask-gain'

describe('mask gains (mask-gain.ts)', () => {
  it('floors at -10 dB', () => {
    expect(20 * Math.log10(GAIN_FLOOR)).toBeCloseTo(-10, 10)
  })

  it('binary: 1 at and above the 0.5 threshold, the floor below', () => {
    expect([0, 0.4999, 0.5, 0.9].map((v) => maskGain(v, 'binary'))).toEqual([GAIN_FLOOR, GAIN_FLOOR, 1, 1])
  })

  it('soft: floor + (1 - floor) * output, from the floor at 0 to 1 at 1', () => {
    expect(maskGain(0, 'soft')).toBeCloseTo(GAIN_FLOOR, 12)
    expect(maskGain(1, 'soft')).toBeCloseTo(1, 12)
    expect(maskGain(0.5, 'soft', 0.2)).toBeCloseTo(0.6, 12)
    expect(maskGain(0.25, 'soft', 0)).toBe(0.25)
  })
})
