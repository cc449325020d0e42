/** What a throttle needs of the clock; tests hand in fake timers. */
export interface ThrottleClock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
}

/**
 * Runs an async task at most once per interval, never two at a time. The first request runs at once;
 * requests during the interval (or while the task runs) collapse into one run when it is over, so the
 * last request is always answered.
 */
export class Throttle {
  private last = -Infinity
  private timer: unknown = null
  private running = false
  private pending = false
  private pendingFlush = false
  private disposed = false

  constructor(
    private readonly task: () => Promise<void> | void,
    private readonly intervalMs: number,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  /** Asks for a run: now when the interval has passed, else once it has. */
  request(): void {
    if (this.disposed) return
    if (this.running) {
      this.pending = true
      return
    }
    if (this.timer !== null) return
    const wait = this.last + this.intervalMs - this.clock.now()
    if (wait <= 0) {
      void this.run()
      return
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      this.request()
    }, wait)
  }

  /** Runs now (after the current run, if one is under way), skipping the wait. */
  flush(): void {
    if (this.disposed) return
    this.clearTimer()
    if (this.running) this.pendingFlush = true
    else void this.run()
  }

  /** Drops a waiting run and refuses later requests. */
  dispose(): void {
    this.disposed = true
    this.pending = false
    this.pendingFlush = false
    this.clearTimer()
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  private async run(): Promise<void> {
    this.last = this.clock.now()
    this.running = true
    try {
      await this.task()
    } catch {
      // the task reports its own errors; a failed run must not stop later ones
    } finally {
      this.running = false
      if (this.pendingFlush) {
        this.pendingFlush = false
        this.pending = false
        void this.run()
      } else if (this.pending) {
        this.pending = false
        this.request()
      }
    }
  }
}
