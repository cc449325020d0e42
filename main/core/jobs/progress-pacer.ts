/**
 * Paces one job's progress reports to at most one per interval; the last one of a burst always goes
 * out (once the interval is over). The pacer starts as if it had just sent, since it is created right
 * after the job's "running" state was announced. flushNow() sends the current state at once, for
 * changes that must not wait ("cancelling").
 */
export class ProgressPacer {
  private lastMs = Date.now()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
  ) {}

  report(): void {
    const wait = this.lastMs + this.intervalMs - Date.now()
    if (wait <= 0) return this.flushNow()
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.flushNow()
    }, wait)
    this.timer.unref()
  }

  flushNow(): void {
    this.stop()
    this.lastMs = Date.now()
    this.send()
  }

  /** Drops a pending report (the job has ended, or its final state carries the progress). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

/**
 * Seconds left at the pace since this attempt started (from startFraction at startedAtMs to fraction
 * now); null until at least 1% and half a second have passed, when a guess would be noise.
 */
export function estimateSecondsLeft(startedAtMs: number, startFraction: number, fraction: number, nowMs = Date.now()): number | null {
  const elapsed = (nowMs - startedAtMs) / 1000
  const done = fraction - startFraction
  if (done < 0.01 || elapsed < 0.5) return null
  return Math.round(((elapsed * (1 - fraction)) / done) * 10) / 10
}
