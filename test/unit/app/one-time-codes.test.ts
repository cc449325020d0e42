import { describe, expect, it } from 'vitest'
import { OneTimeCodes } from '../../../main/app/one-time-codes'

describe('OneTimeCodes', () => {
  it('redeems a code once', () => {
    const codes = new OneTimeCodes()
    const code = codes.issue()
    expect(code).toMatch(/^[\w-]{32}$/)
    expect(codes.redeem(code)).toBe(true)
    expect(codes.redeem(code)).toBe(false)
  })

  it('refuses a code after its expiry (60 s by default), and one never issued', () => {
    let now = 1_000_000
    const codes = new OneTimeCodes(undefined, () => now)
    expect(codes.ttlMs).toBe(60_000)
    const late = codes.issue()
    const inTime = codes.issue()
    now += 59_999
    expect(codes.redeem(inTime)).toBe(true)
    now += 1
    expect(codes.redeem(late)).toBe(false)
    expect(codes.redeem('')).toBe(false)
    expect(codes.redeem(codes.issue().slice(0, -1))).toBe(false)
  })

  it('keeps at most `limit` unspent codes, dropping the oldest', () => {
    const codes = new OneTimeCodes(60_000, Date.now, 2)
    const [a, b, c] = [codes.issue(), codes.issue(), codes.issue()]
    expect(codes.redeem(a)).toBe(false)
    expect(codes.redeem(b)).toBe(true)
    expect(codes.redeem(c)).toBe(true)
  })
})
