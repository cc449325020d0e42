import { describe, expect, it } from 'vitest'
import { appendDynamics, deltaWindows } from '../../../../main/tts/model/delta-windows'

describe('delta windows', () => {
  it('are HTS\'s [-0.5, 0, 0.5] and [1, -2, 1]', () => {
    expect(deltaWindows[1]).toEqual([-0.5, 0, 0.5])
    expect(deltaWindows[2]).toEqual([1, -2, 1])
  })

  it('lay out statics | deltas | delta-deltas per frame, the edge frames repeated', () => {
    // Two dimensions over 4 frames: d0 = 1, 4, 9, 16 (t+1)^2; d1 = 2, 2, 2, 2.
    const rows = appendDynamics([1, 2, 4, 2, 9, 2, 16, 2], 4, 2)
    const frame = (t: number) => Array.from(rows.subarray(t * 6, t * 6 + 6))
    // frame 0: delta 0.5 (4 - 1) = 1.5 (x[-1] = x[0]); accel 1 - 2 + 4 = 3
    expect(frame(0)).toEqual([1, 2, 1.5, 0, 3, 0])
    // frame 1: delta 0.5 (9 - 1) = 4; accel 1 - 8 + 9 = 2
    expect(frame(1)).toEqual([4, 2, 4, 0, 2, 0])
    // frame 3: delta 0.5 (16 - 9) = 3.5 (x[4] = x[3]); accel 9 - 32 + 16 = -7
    expect(frame(3)).toEqual([16, 2, 3.5, 0, -7, 0])
  })
})
