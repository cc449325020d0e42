import { describe, expect, it } from 'vitest'
import { overlapAdd, segmentRows } from '../../../../main/tts/model/post-filter'
import { postFilteredSpectrum } from '../../../../main/tts/model/cepstral-post-filter'
import { overlapAddWeights, postFilterContext } from '../../../../main/tts/model/voice-config'

// The post-filter's first, element-by-element implementation: the faster one must give the same numbers.
function segmentRowsByElement(rows: ArrayLike<number>, frames: number, dims: number): Float32Array {
  const out = new Float32Array(frames * dims * postFilterContext)
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < postFilterContext; k++) {
      const source = Math.min(frames - 1, Math.max(0, t + k - 1))
      for (let d = 0; d < dims; d++) out[(t * postFilterContext + k) * dims + d] = rows[source * dims + d]!
    }
  }
  return out
}

function overlapAddByElement(segments: ArrayLike<number>, frames: number, dims: number): Float32Array {
  const out = new Float32Array(frames * dims)
  for (let t = 0; t < frames; t++) {
    let total = 0
    for (let k = 0; k < postFilterContext; k++) {
      const s = t + 1 - k
      if (s < 0 || s >= frames) continue
      const w = overlapAddWeights[k]!
      total += w
      for (let d = 0; d < dims; d++) out[t * dims + d]! += w * segments[(s * postFilterContext + k) * dims + d]!
    }
    for (let d = 0; d < dims; d++) out[t * dims + d]! /= total
  }
  return out
}

describe('the MDNN post-filter overlap-add', () => {
  it('weights previous, current and next estimates 0.25 / 0.5 / 0.25 (hand-worked, 3 frames of 1 bin)', () => {
    // Segment s holds its estimates of frames s-1, s, s+1.
    const segments = [
      [10, 20, 30], // s = 0: (frame -1), frame 0, frame 1
      [40, 50, 60], // s = 1: frames 0, 1, 2
      [70, 80, 90], // s = 2: frames 1, 2, (3)
    ].flat()
    const out = overlapAdd(segments, 3, 1)
    // frame 0: 0.5 * 20 + 0.25 * 40 over 0.75 (no segment -1)
    expect(out[0]).toBeCloseTo((0.5 * 20 + 0.25 * 40) / 0.75, 5)
    // frame 1: 0.25 * 30 (from s=0) + 0.5 * 50 + 0.25 * 70 (from s=2)
    expect(out[1]).toBeCloseTo(0.25 * 30 + 0.5 * 50 + 0.25 * 70, 5)
    // frame 2: 0.25 * 60 + 0.5 * 80 over 0.75
    expect(out[2]).toBeCloseTo((0.25 * 60 + 0.5 * 80) / 0.75, 5)
  })

  it('builds input segments t-1, t, t+1 with the edges repeated, and is the identity on its own segments', () => {
    const rows = [1, 2, 3, 4, 5, 6] // 3 frames of 2 bins
    expect(Array.from(segmentRows(rows, 3, 2))).toEqual([1, 2, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 5, 6])
    expect(Array.from(overlapAdd(segmentRows(rows, 3, 2), 3, 2))).toEqual(rows)
  })

  it('gives the element-by-element implementation\'s numbers exactly on random data, 1 to 40 frames', () => {
    let seed = 7
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1
    for (const [frames, dims] of [[1, 5], [2, 3], [3, 1], [40, 33], [17, 1025]] as const) {
      const rows = Float32Array.from({ length: frames * dims }, random)
      expect(segmentRows(rows, frames, dims)).toEqual(segmentRowsByElement(rows, frames, dims))
      const plain = Array.from(rows) // any array of numbers, not only Float32Array
      expect(segmentRows(plain, frames, dims)).toEqual(segmentRowsByElement(plain, frames, dims))
      const segments = Float32Array.from({ length: frames * dims * 3 }, random)
      const fast = overlapAdd(segments, frames, dims)
      expect(fast).toEqual(overlapAddByElement(segments, frames, dims))
      expect(fast.some((v, i) => v !== segments[i])).toBe(true)
    }
  })
})

describe('the cepstral post-filter', () => {
  it('keeps the frame\'s power and deepens the valleys between peaks', () => {
    // A mel-cepstrum with a formant-like ripple: c1 tilts, c4 makes peaks and valleys.
    const mc = new Float64Array(60)
    mc[0] = -3
    mc[1] = 0.8
    mc[4] = 0.5
    const plain = postFilteredSpectrum(mc, 1025, 0)
    const sharp = postFilteredSpectrum(mc, 1025, 0.4)
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0)
    expect(sum(sharp) / sum(plain)).toBeCloseTo(1, 10)
    const ratio = (a: Float64Array) => Math.max(...a) / Math.min(...a)
    expect(ratio(sharp)).toBeGreaterThan(ratio(plain))
  })
})
