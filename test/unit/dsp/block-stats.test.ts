import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addSquares, blockStats, blockStatsJs, blockStatsKind, squareLanes } from '../../../main/dsp/block-stats'
import { wasmModuleSource } from '../../../scripts/build-wasm-kernels.mjs'

/** Seeded samples in [-1, 1), with NaN, both zeros and infinities sprinkled in where `specials`. */
function samples(n: number, seed: number, specials = false): Float32Array {
  let state = seed
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    state = (state * 16807) % 2147483647
    x[i] = (state / 2147483647) * 2 - 1
  }
  if (specials) for (const [i, v] of [[3, NaN], [17, -0], [18, 0], [300, Infinity], [301, -Infinity], [555, NaN], [556, -0]] as const) if (i < n) x[i] = v
  return x
}

function run(impl: typeof blockStats, x: Float32Array, block: number, cuts: number[] = []) {
  const blocks = Math.ceil(x.length / block)
  const min = new Float32Array(blocks)
  const max = new Float32Array(blocks)
  const lanes = squareLanes()
  const bounds = [0, ...cuts, x.length]
  for (let k = 0; k + 1 < bounds.length; k++) impl(x, bounds[k]!, bounds[k + 1]!, block, min, max, lanes)
  return { min, max, lanes: [...lanes] }
}

describe('blockStats', () => {
  it('runs the wasm SIMD kernel here', () => {
    expect(blockStatsKind()).toBe('wasm-simd')
  })

  it.each(readdirSync(resolve('main/dsp/simd')).filter((f) => f.endsWith('.wat')))(
    '%s is assembled into its committed module (node scripts/build-wasm-kernels.mjs after editing it)',
    async (file) => {
      const name = file.slice(0, -'.wat'.length)
      const wat = readFileSync(resolve('main/dsp/simd', file), 'utf8')
      expect(await wasmModuleSource(name, wat)).toBe(readFileSync(resolve('main/dsp/simd', `${name}.wasm.ts`), 'utf8'))
    },
  )

  it.each([
    ['a whole number of blocks', 4096, 256],
    ['a partial last block, not a multiple of 4', 1000 + 3, 256],
    ['more than one kernel call (64K samples a call)', 150_001, 256],
    ['blocks of 4', 37, 4],
  ])('gives the JavaScript loop bits exactly: %s', (_, n, block) => {
    for (const specials of [false, true]) {
      const x = samples(n, 7, specials)
      expect(run(blockStats, x, block)).toEqual(run(blockStatsJs, x, block))
    }
  })

  it('the true extremes of each block, NaN skipped; a block of nothing but NaN has none', () => {
    const x = samples(1003, 11, true)
    x.fill(NaN, 512, 768)
    const { min, max } = run(blockStats, x, 256)
    for (let k = 0; k < min.length; k++) {
      const block = [...x.subarray(k * 256, (k + 1) * 256)].filter((v) => !Number.isNaN(v))
      expect(min[k]).toBe(block.length ? Math.min(...block) : Infinity)
      expect(max[k]).toBe(block.length ? Math.max(...block) : -Infinity)
    }
    expect(min[1]).toBe(-Infinity)
    expect(max[1]).toBe(Infinity)
  })

  it('the same sums wherever a run of calls is cut at whole blocks, and as addSquares gives them', () => {
    const x = samples(200_000, 5)
    const whole = run(blockStats, x, 256)
    expect(run(blockStats, x, 256, [256, 65_536 + 512, 131_072 + 256 * 3])).toEqual(whole)
    const lanes = squareLanes()
    addSquares(x, 0, x.length, lanes)
    expect([...lanes]).toEqual(whole.lanes)
    let exact = 0
    for (const v of x) exact += v * v
    expect(whole.lanes[0]! + whole.lanes[1]!).toBeCloseTo(exact, 6)
  })

  it('refuses a block that is not a multiple of 4, or a start inside a block', () => {
    const x = samples(64, 1)
    expect(() => blockStats(x, 0, 64, 6, new Float32Array(11), new Float32Array(11), squareLanes())).toThrow(RangeError)
    expect(() => blockStats(x, 8, 64, 16, new Float32Array(4), new Float32Array(4), squareLanes())).toThrow(RangeError)
  })
})
