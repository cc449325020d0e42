import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { estimateSecondsLeft, ProgressPacer } from '../../../main/core/jobs/progress-pacer'

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }))
afterEach(() => vi.useRealTimers())

describe('ProgressPacer', () => {
  it('sends at most once per interval and always sends the last report of a burst', () => {
    const sent: number[] = []
    const pacer = new ProgressPacer(200, () => sent.push(Date.now() - 1_000_000))
    for (let t = 0; t < 1000; t += 10) {
      pacer.report()
      vi.advanceTimersByTime(10)
    }
    expect(sent).toEqual([200, 400, 600, 800, 1000])
    pacer.report() // one more after a quiet spell... still paced from the last send
    vi.advanceTimersByTime(199)
    expect(sent).toHaveLength(5)
    vi.advanceTimersByTime(1)
    expect(sent).toEqual([200, 400, 600, 800, 1000, 1200])
  })

  it('flushNow sends at once and restarts the interval; stop drops a pending report', () => {
    let count = 0
    const pacer = new ProgressPacer(200, () => count++)
    pacer.report()
    pacer.flushNow()
    expect(count).toBe(1)
    pacer.report()
    pacer.stop()
    vi.advanceTimersByTime(1000)
    expect(count).toBe(1)
  })
})

describe('estimateSecondsLeft', () => {
  it('extrapolates the pace of this attempt, and says nothing too early', () => {
    expect(estimateSecondsLeft(0, 0, 0.25, 10_000)).toBe(30)
    // a resumed attempt started at 50%: 10% in 5 s leaves 40% for 20 s
    expect(estimateSecondsLeft(0, 0.5, 0.6, 5_000)).toBe(20)
    expect(estimateSecondsLeft(0, 0, 0.005, 10_000)).toBeNull()
    expect(estimateSecondsLeft(0, 0, 0.5, 400)).toBeNull()
  })
})
