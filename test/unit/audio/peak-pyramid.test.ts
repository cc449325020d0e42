import { describe, expect, it } from 'vitest'
import { baseBlock, PeakPyramid } from '../../../main/audio/peak-pyramid'
import { seededValues } from '../compute/compare'

/** Brute force: min and max of the frames each bucket covers. */
function bruteForce(samples: Float32Array, from: number, to: number, buckets: number): { min: number[]; max: number[] } {
  const per = (to - from) / buckets
  const min: number[] = []
  const max: number[] = []
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor(from + b * per)
    const hi = Math.min(samples.length, Math.floor(from + (b + 1) * per))
    let mn = Infinity
    let mx = -Infinity
    for (let i = lo; i < hi; i++) {
      mn = Math.min(mn, samples[i]!)
      mx = Math.max(mx, samples[i]!)
    }
    min.push(mn)
    max.push(mx)
  }
  return { min, max }
}

describe('PeakPyramid', () => {
  const left = seededValues(100_003, 3)
  const right = seededValues(100_003, 9).map((v) => v * 0.5)
  const pyramid = new PeakPyramid([left, right])

  it('gives exact min/max per bucket when buckets are finer than a base block', () => {
    const w = pyramid.window(1000, 1000 + 100 * 40, 40)
    expect(w.framesPerBucket).toBe(100)
    for (let b = 0; b < 40; b++) {
      const slice = left.subarray(1000 + b * 100, 1000 + (b + 1) * 100)
      expect(w.data[b]).toBe(Math.min(...slice))
      expect(w.data[40 + b]).toBe(Math.max(...slice))
      const r = right.subarray(1000 + b * 100, 1000 + (b + 1) * 100)
      expect(w.data[80 + b]).toBe(Math.min(...r))
      expect(w.data[120 + b]).toBe(Math.max(...r))
    }
  })

  it.each([
    [512, 4096 * 20, 20],
    [777, 99_000, 13],
    [0, 100_003, 3],
    [5, 300, 1],
  ])('is exact over unaligned wide buckets (from %i, %i frames, %i buckets)', (from, span, buckets) => {
    const w = pyramid.window(from, from + span, buckets)
    const expected = bruteForce(right, from, from + span, buckets)
    expect(Array.from(w.data.subarray(2 * buckets, 3 * buckets))).toEqual(expected.min)
    expect(Array.from(w.data.subarray(3 * buckets, 4 * buckets))).toEqual(expected.max)
  })

  it('covers the whole sound, its global extremes included', () => {
    const w = pyramid.window(0, left.length, 7)
    expect(Math.min(...w.data.subarray(0, 7))).toBe(Math.min(...left))
    expect(Math.max(...w.data.subarray(7, 14))).toBe(Math.max(...left))
  })

  it('zoomed past the samples, each bucket is the sample under it', () => {
    const w = pyramid.window(10, 14, 8)
    expect(w.framesPerBucket).toBe(0.5)
    // bucket centres 10.25, 10.75, 11.25, ... fall on frames 10, 10, 11, 11, 12, 12, 13, 13
    const frames = [10, 10, 11, 11, 12, 12, 13, 13]
    expect(Array.from(w.data.subarray(0, 8))).toEqual(frames.map((i) => left[i]!))
    expect(Array.from(w.data.subarray(8, 16))).toEqual(frames.map((i) => left[i]!))
  })

  it('holds a small fraction of the samples', () => {
    const sampleBytes = (left.byteLength + right.byteLength)
    expect(pyramid.bytes).toBeLessThan(sampleBytes / baseBlock * 2 * 1.2)
  })
})
