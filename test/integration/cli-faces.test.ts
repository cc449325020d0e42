import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluatePie } from '../../main/faces/evaluate'
import { readFaceDataset } from '../../main/faces/face-dataset'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept faces fixture|eval|omp|residual` as a user runs them, on the built app.
let home: string
let cleanup: () => void
let dataset: string

/** A float64 C-order .npy file, header as numpy.save writes it (padded so the data starts at a multiple of 64). */
function npyFloat64(values: number[], shape: number[]): Uint8Array {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  const padded = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10
  const header = dict.padEnd(padded - 1, ' ') + '\n'
  const out = new Uint8Array(10 + padded + 8 * values.length)
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0])
  new DataView(out.buffer).setUint16(8, padded, true)
  out.set(Array.from(header, (c) => c.charCodeAt(0)), 10)
  const view = new DataView(out.buffer, 10 + padded)
  values.forEach((v, i) => view.setFloat64(8 * i, v, true))
  return out
}

function save(name: string, values: number[], shape: number[]): string {
  const path = join(home, name)
  writeFileSync(path, npyFloat64(values, shape))
  return path
}

const faces = (...args: string[]) => runCli(['faces', ...args], { PERCEPT_HOME: home })

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  dataset = join(home, 'pie')
  const { code, stdout, stderr } = await faces('fixture', dataset, '--people', '6', '--seed', '4', '--json')
  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(JSON.parse(stdout)).toMatchObject({ people: 6, imagesPerPerson: 21, height: 48, width: 40, seed: 4 })
}, 60_000)
afterAll(() => cleanup())

describe('percept faces', () => {
  it('fixture writes one folder per person of 21 PNGs, sorted by light', () => {
    const people = readdirSync(dataset).sort()
    expect(people).toEqual(['person-001', 'person-002', 'person-003', 'person-004', 'person-005', 'person-006'])
    const files = readdirSync(join(dataset, 'person-001')).sort()
    expect(files).toHaveLength(21)
    expect(files[0]).toBe('light-00.png')
    expect(files[20]).toBe('light-20.png')
  })

  it('eval --json prints the contract and the numbers the library computes on the same files', async () => {
    const { code, stdout, stderr } = await faces('eval', '--dataset', dataset, '--resolutions', '7x6,10x8', '--gallery-images', '0,7', '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const printed = JSON.parse(stdout)
    expect(printed.resolutions.map((r: { resolution: string }) => r.resolution)).toEqual(['7x6', '10x8'])
    for (const { methods } of printed.resolutions) {
      expect(methods.map((m: { method: string }) => m.method)).toEqual(['slrfr', 'pca', 'pca-relit', 'deep'])
      for (const m of methods) {
        expect(Object.keys(m)).toEqual(['method', 'rank1', 'cmc'])
        expect(m.cmc).toHaveLength(6)
        expect(m.cmc[0]).toBe(m.rank1)
        expect(m.cmc[5]).toBe(1)
      }
    }
    // 6 people x 20 probes x 2 gallery choices = 240 probes: every rate is a multiple of 1/240.
    const rate = printed.resolutions[0].methods[0].rank1
    expect(Math.abs(rate * 240 - Math.round(rate * 240))).toBeLessThan(1e-9)
    const { people } = await readFaceDataset(dataset)
    const direct = evaluatePie(people, { resolutions: [{ height: 7, width: 6 }, { height: 10, width: 8 }], galleryImages: [0, 7] })
    // The pixel methods match the library exactly; "deep" is checked against its own descriptors in the unit tests.
    const pixel = printed.resolutions.map((r: { resolution: string; methods: { method: string }[] }) => ({ ...r, methods: r.methods.filter((m) => m.method !== 'deep') }))
    expect({ resolutions: pixel }).toEqual(JSON.parse(JSON.stringify(direct)))
  })

  it('eval prints a table without --json', async () => {
    const table = await faces('eval', '--dataset', dataset, '--resolutions', '7x6', '--gallery-images', '7')
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^RESOLUTION\s+METHOD\s+RANK-1/)
    expect(table.stdout).toMatch(/7x6\s+slrfr\s+\d+\.\d%/)
  })

  it('eval refuses a probe larger than the gallery and a gallery index out of range', async () => {
    const tooBig = await faces('eval', '--dataset', dataset, '--resolutions', '64x40')
    expect(tooBig.code).toBe(1)
    expect(tooBig.stderr).toMatch(/larger than the gallery's 48x40.*\[VALIDATION\]/)
    const badIndex = await faces('eval', '--dataset', dataset, '--resolutions', '7x6', '--gallery-images', '30')
    expect(badIndex.stderr).toMatch(/Gallery index 30 is out of range/)
  })

  it('eval refuses a dataset of one person and a damaged image, naming it', async () => {
    const lonely = join(home, 'lonely')
    mkdirSync(join(lonely, 'only-one'), { recursive: true })
    expect((await faces('eval', '--dataset', lonely, '--resolutions', '7x6')).stderr).toMatch(/at least two people/)
    const broken = join(home, 'broken')
    mkdirSync(join(broken, 'a'), { recursive: true })
    mkdirSync(join(broken, 'b'), { recursive: true })
    writeFileSync(join(broken, 'a', '1.png'), 'not a png')
    writeFileSync(join(broken, 'b', '1.png'), 'not a png')
    expect((await faces('eval', '--dataset', broken, '--resolutions', '7x6')).stderr).toMatch(/1\.png: this is neither a PNG nor a JPEG/)
  })

  it('omp --json: support, one coefficient per atom and the residual norm (worked by hand)', async () => {
    // Atoms (columns) d0 = (1, 0, 0), d1 = (0.6, 0.8, 0), d2 = (0, 0, 1); y = (1, 1, 0.5). D is stored
    // (dim, atoms), row-major. Step 1 picks d1 (|d^T y| = 1.4), step 2 d2 (|d^T r| = 0.5 on r = (0.16, -0.12,
    // 0.5)); the least-squares fit on {d1, d2} is 1.4, 0.5 and leaves (0.16, -0.12, 0), norm 0.2.
    const dict = save('dict.npy', [1, 0.6, 0, 0, 0.8, 0, 0, 0, 1], [3, 3])
    const signal = save('signal.npy', [1, 1, 0.5], [3])
    const { code, stdout } = await faces('omp', '--dict', dict, '--signal', signal, '--sparsity', '2', '--json')
    expect(code).toBe(0)
    const r = JSON.parse(stdout)
    expect(r.support).toEqual([1, 2])
    expect(r.coefficients).toEqual([0, expect.closeTo(1.4, 12), expect.closeTo(0.5, 12)])
    expect(r.residualNorm).toBeCloseTo(0.2, 12)
    const bad = await faces('omp', '--dict', dict, '--signal', signal, '--sparsity', '4', '--json')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--sparsity is from 1 to the number of atoms \(3\)/)
  })

  it('residual --json: ||(I - P) y|| (worked by hand) and shape errors', async () => {
    // D = [[1, 0], [1, 1], [0, 1]], y = (1, 2, 3): α = (1/3, 7/3), r = (2/3, -2/3, 2/3), ||r|| = 2/√3.
    const dict = save('d2.npy', [1, 0, 1, 1, 0, 1], [3, 2])
    const probe = save('y.npy', [1, 2, 3], [3])
    const { code, stdout } = await faces('residual', '--dict', dict, '--probe', probe, '--json')
    expect(code).toBe(0)
    expect(JSON.parse(stdout).residualNorm).toBeCloseTo(2 / Math.sqrt(3), 12)
    const short = save('short.npy', [1, 2], [2])
    const mismatch = await faces('residual', '--dict', dict, '--probe', short, '--json')
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toMatch(/--probe has 2 values but the dictionary's atoms \(its columns\) have 3/)
    const vectorDict = await faces('residual', '--dict', probe, '--probe', probe, '--json')
    expect(vectorDict.stderr).toMatch(/must be a 2-D array of shape \(dim, atoms\)/)
  })
})
