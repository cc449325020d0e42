import { describe, expect, it } from 'vitest'
import { segmentRows } from '../../../../main/tts/model/post-filter'
import { frameWindows, gatherRows } from '../../../../main/tts/train/fit'

// The post-filter's training rows made batch by batch (fit.ts frameWindows) are the segments synthesis
// makes (post-filter.ts segmentRows), utterance by utterance, never reaching into the next utterance.
describe('frame windows', () => {
  const dims = 4
  const lengths = [5, 1, 3]
  const frames = Float32Array.from({ length: 9 * dims }, (_, i) => i + 1)

  it('row t is frames t-1, t, t+1 of its own utterance, as segmentRows makes them', () => {
    const windows = frameWindows(frames, dims, lengths)
    const expected: number[] = []
    let start = 0
    for (const n of lengths) {
      expected.push(...segmentRows(frames.subarray(start * dims, (start + n) * dims), n, dims))
      start += n
    }
    expect(Array.from(gatherRows(windows, 3 * dims, null, 0, 9))).toEqual(expected)
    // The one-frame utterance (row 5) is its own frame three times; row 6 starts the third utterance.
    expect(Array.from(gatherRows(windows, 3 * dims, null, 5, 1))).toEqual([21, 22, 23, 24, 21, 22, 23, 24, 21, 22, 23, 24])
    expect(Array.from(windows.previous)).toEqual([0, 0, 1, 2, 3, 5, 6, 6, 7])
    expect(Array.from(windows.next)).toEqual([1, 2, 3, 4, 4, 5, 7, 8, 8])
  })

  it('an order picks rows, stored or windowed alike', () => {
    const windows = frameWindows(frames, dims, lengths)
    const order = Uint32Array.of(8, 0, 5)
    const all = gatherRows(windows, 3 * dims, null, 0, 9)
    const picked = gatherRows(windows, 3 * dims, order, 0, 3)
    expect(Array.from(picked)).toEqual([...all.subarray(8 * 12, 9 * 12), ...all.subarray(0, 12), ...all.subarray(5 * 12, 6 * 12)])
    expect(Array.from(gatherRows(frames, dims, order, 1, 2))).toEqual([1, 2, 3, 4, 21, 22, 23, 24])
  })
})
