import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Throttle } from '../../../renderer/src/lib/throttle'

describe('Throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs at once, then at most once per interval, answering the last request of a burst', async () => {
    const task = vi.fn()
    const throttle = new Throttle(task, 1000)
    throttle.request()
    expect(task).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(50)
      throttle.request()
    }
    expect(task).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(500)
    expect(task).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(5000)
    expect(task).toHaveBeenCalledTimes(2)
    throttle.request() // idle for longer than the interval: runs at once
    expect(task).toHaveBeenCalledTimes(3)
  })

  it('never runs two tasks at a time: a request during a slow run follows it', async () => {
    let finish: () => void = () => {}
    let running = 0
    let most = 0
    const task = vi.fn(
      () =>
        new Promise<void>((done) => {
          running++
          most = Math.max(most, running)
          finish = () => {
            running--
            done()
          }
        }),
    )
    const throttle = new Throttle(task, 100)
    throttle.request()
    await vi.advanceTimersByTimeAsync(500)
    throttle.request()
    throttle.flush()
    expect(task).toHaveBeenCalledTimes(1)
    finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(task).toHaveBeenCalledTimes(2)
    finish()
    await vi.advanceTimersByTimeAsync(1000)
    expect(task).toHaveBeenCalledTimes(2)
    expect(most).toBe(1)
  })

  it('flush skips the wait; dispose drops the pending run and later requests', async () => {
    const task = vi.fn()
    const throttle = new Throttle(task, 1000)
    throttle.request()
    throttle.flush() // the first run is still settling: this one follows it, without waiting out the interval
    await vi.advanceTimersByTimeAsync(0)
    expect(task).toHaveBeenCalledTimes(2)
    throttle.request()
    throttle.dispose()
    await vi.advanceTimersByTimeAsync(5000)
    throttle.request()
    throttle.flush()
    expect(task).toHaveBeenCalledTimes(2)
  })

  it('keeps going after a failing task', async () => {
    const task = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(undefined)
    const throttle = new Throttle(task, 10)
    throttle.request()
    await vi.advanceTimersByTimeAsync(20)
    throttle.request()
    expect(task).toHaveBeenCalledTimes(2)
  })
})
