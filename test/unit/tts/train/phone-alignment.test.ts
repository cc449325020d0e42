import { describe, expect, it } from 'vitest'
import { alignPhones } from '../../../../main/tts/train/phone-alignment'
import { framesPerPhone, interpolatedLogF0 } from '../../../../main/tts/train/acoustic-data'

describe('aligning front-end phones to .lab phones', () => {
  it('pairs a constructed mismatch: one substitution, one phone only in the .lab, one only in ours', () => {
    // festival: pau dh ax k ae t t s pau; ours: an extra pause at the start, iy for ax, one t.
    const lab = ['pau', 'dh', 'ax', 'k', 'ae', 't', 't', 's', 'pau']
    const front = ['pau', 'pau', 'dh', 'iy', 'k', 'ae', 't', 's', 'pau']
    const a = alignPhones(lab, front)
    // Edit distance 3: a front pau deleted, ax/iy substituted, a .lab t inserted.
    expect(a.substitutions).toBe(1)
    expect(a.insertions).toBe(1)
    expect(a.deletions).toBe(1)
    expect(a.matches).toBe(6 + 1)
    expect(a.mismatchRate).toBeCloseTo(3 / 9, 12)
    // Ties go to the pairing nearest the end: the .lab pau pairs the second front pau, the second t pairs
    // front's t, and the first t (unpaired) takes the paired phone before it, ae (front 5).
    expect(a.frontIndex).toEqual([1, 2, 3, 4, 5, 5, 6, 7, 8])
  })

  it('is the identity on equal sequences', () => {
    const a = alignPhones(['pau', 'hh', 'ay', 'pau'], ['pau', 'hh', 'ay', 'pau'])
    expect(a.frontIndex).toEqual([0, 1, 2, 3])
    expect(a.mismatchRate).toBe(0)
  })
})

describe('frames and log F0 of the training data', () => {
  it('gives each 5 ms frame to the phone whose span holds its time', () => {
    // Phones end at 12 ms, 30 ms, 40 ms; 9 frames at 0, 5, ..., 40 ms: 0,5,10 | 15,20,25 | 30,35,40 (last takes the end).
    expect(Array.from(framesPerPhone([0.012, 0.03, 0.04], 9))).toEqual([3, 3, 3])
  })

  it('interpolates log F0 linearly over unvoiced frames and holds it past the voiced ends', () => {
    const lf0 = interpolatedLogF0([0, 100, 0, 0, 400, 0])
    expect(lf0[0]).toBeCloseTo(Math.log(100), 12)
    expect(lf0[2]).toBeCloseTo(Math.log(100) + (Math.log(400) - Math.log(100)) / 3, 12)
    expect(lf0[3]).toBeCloseTo(Math.log(100) + (2 * (Math.log(400) - Math.log(100))) / 3, 12)
    expect(lf0[5]).toBeCloseTo(Math.log(400), 12)
  })
})
