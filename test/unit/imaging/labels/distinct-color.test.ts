import { describe, expect, it } from 'vitest'
import {
  ColorTable,
  completeTable,
  distinctColor,
  oklabDistance,
  srgbToOklab,
} from '../../../../main/imaging/labels'

describe('Oklab', () => {
  // Reference values from CSS Color 4's conversions; CSS recomputed Ottosson's (2020) matrices at higher
  // precision, which moves the 4th decimal, hence 3 decimals here.
  it('matches the published values for white and the sRGB primaries', () => {
    const cases: [[number, number, number], [number, number, number]][] = [
      [[255, 255, 255], [1, 0, 0]],
      [[255, 0, 0], [0.62796, 0.22486, 0.12585]],
      [[0, 255, 0], [0.86644, -0.23389, 0.1795]],
      [[0, 0, 255], [0.45201, -0.03246, -0.31153]],
    ]
    for (const [rgb, lab] of cases) {
      const got = srgbToOklab(rgb)
      for (let c = 0; c < 3; c++) expect(got[c]).toBeCloseTo(lab[c]!, 3)
    }
  })
})

describe('distinctColor', () => {
  const labs = Array.from({ length: 256 }, (_, i) => srgbToOklab(distinctColor(i + 1)))

  // Threshold: deltaE_OK 0.04, twice the just-noticeable difference of about 0.02.
  it('keeps every pair among labels 1..256 at least deltaE_OK 0.04 apart', () => {
    let closest = Infinity
    for (let i = 0; i < labs.length; i++) {
      for (let j = i + 1; j < labs.length; j++) closest = Math.min(closest, oklabDistance(labs[i]!, labs[j]!))
    }
    expect(closest).toBeGreaterThan(0.04)
  })

  it('makes neighbouring labels clearly different and the first few far apart', () => {
    for (let i = 0; i + 1 < labs.length; i++) expect(oklabDistance(labs[i]!, labs[i + 1]!)).toBeGreaterThan(0.04)
    // Among the first 8 labels (a typical segmentation), no two closer than 10 JNDs.
    for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) expect(oklabDistance(labs[i]!, labs[j]!)).toBeGreaterThan(0.2)
  })

  it('is never black, white or grey: lightness 0.44..0.86 and chroma at least 0.07', () => {
    for (const [L, a, b] of labs) {
      expect(L).toBeGreaterThan(0.44)
      expect(L).toBeLessThan(0.86)
      expect(Math.hypot(a, b)).toBeGreaterThan(0.07)
    }
  })

  it('is deterministic, 8-bit, and cycles every 256 labels', () => {
    expect(distinctColor(7)).toEqual(distinctColor(7))
    expect(distinctColor(257)).toEqual(distinctColor(1))
    expect(distinctColor(-1)).toEqual(distinctColor(255))
    for (const c of distinctColor(1)) expect(Number.isInteger(c) && c >= 0 && c <= 255).toBe(true)
  })
})

describe('completeTable', () => {
  it('adds the labels present that the table lacks, keeps the rest, skips background', () => {
    const table = new ColorTable([[1, { name: 'Known', color: [1, 2, 3] }]])
    table.format = 'csv'
    const complete = completeTable(table, [0, 1, 4, 9])
    expect([...complete.keys()]).toEqual([1, 4, 9])
    expect(complete.get(1)).toEqual({ name: 'Known', color: [1, 2, 3] })
    expect(complete.get(9)).toEqual({ name: 'Label 9', color: distinctColor(9) })
    expect(complete.format).toBe('csv')
    expect(table.size).toBe(1) // the input is not changed
    expect([...completeTable(undefined, [2]).keys()]).toEqual([2])
  })
})
