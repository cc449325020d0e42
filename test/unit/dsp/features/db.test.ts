import { describe, expect, it } from 'vitest'
import { powerToDb, powerToDbInPlace } from '../../../../main/dsp/features'
import { fixture, maxAbsDiff } from './reference'

interface DbFixture {
  S: number[]
  cases: { ref: number | 'max'; amin: number; topDb: number | null; out: number[] }[]
}
const ref = fixture<DbFixture>('db.json')

describe('powerToDb (librosa.power_to_db, ref=1, amin=1e-10, top_db=80)', () => {
  it('pins 10 log10 with the amin floor and the top_db clip', () => {
    const S = Float32Array.of(1, 100, 1e-11, 0.5)
    // 10 log10(1) = 0; 10 log10(100) = 20; 1e-11 is floored to amin = 1e-10, i.e. -100 dB; but
    // top_db = 80 clips everything below max - 80 = 20 - 80 = -60 dB.
    expect(Array.from(powerToDb(S))).toEqual([0, 20, -60, expect.closeTo(-3.0103, 4)])
    expect(Array.from(powerToDb(S, { topDb: null }))).toEqual([0, 20, -100, expect.closeTo(-3.0103, 4)])
    // ref moves 0 dB: ref = 100 puts 100 at 0 dB; ref 'max' does the same here
    expect(powerToDb(S, { ref: 100 })[0]).toBe(-20)
    expect(powerToDb(S, { ref: 'max' })[1]).toBe(0)
    // amin also floors ref: ref = 0 counts as 1e-10, so 1 is +100 dB
    expect(powerToDb(Float32Array.of(1), { ref: 0 })[0]).toBe(100)
  })

  const cases = ref.cases.map((c) => [`ref=${c.ref} amin=${c.amin} top_db=${c.topDb}`, c] as const)
  it.each(cases)('matches the reference, %s', (_, c) => {
    const out = powerToDb(Float64Array.from(ref.S), { ref: c.ref, amin: c.amin, topDb: c.topDb })
    // float32 dB values up to ~140 round by < 1e-5 dB
    expect(maxAbsDiff(out, c.out)).toBeLessThan(2e-5)
  })

  it('works in place and explains bad parameters', () => {
    const S = Float32Array.of(10, 1000)
    expect(powerToDbInPlace(S)).toBe(S)
    expect(Array.from(S)).toEqual([10, 30])
    expect(() => powerToDb(S, { amin: 0 })).toThrow(/amin must be strictly positive/)
    expect(() => powerToDb(S, { topDb: -1 })).toThrow(/top_db must be non-negative/)
  })
})
