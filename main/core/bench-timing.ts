import { availableParallelism, cpus, platform, release, totalmem } from 'node:os'

/** The machine a benchmark ran on, as every benchmark's JSON records it. */
export interface BenchMachine {
  cpu: string
  cores: number
  memory_gib: number
  platform: string
  node: string
}

export function benchMachine(): BenchMachine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memory_gib: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
    node: process.versions.node,
  }
}

/** The median, rounded to 0.01. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return Math.round(value * 100) / 100
}

/** Milliseconds: `warmup` untimed runs, then the median of `measured` timed ones. */
export async function timeAsync(warmup: number, measured: number, run: () => unknown): Promise<number> {
  for (let i = 0; i < warmup; i++) await run()
  const times: number[] = []
  for (let i = 0; i < measured; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  return median(times)
}
