/** Median of the timings, in milliseconds, after `warmup` untimed runs. */
export async function medianMs(run: () => Promise<void>, repeats: number, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await run()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const mid = Math.floor(times.length / 2)
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
