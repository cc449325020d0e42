import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeGreyPng, readFaceImage, resizeGrey } from '../../main/faces/face-image'
import { writePieSet } from '../../main/faces/fixtures/pie-set'
import { downsample } from '../../main/faces/resolution'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept faces enroll|people|build|identify` as a user runs them, on the built app: 12 synthetic people
// enrolled with their frontally lit image (light 7), probes made from other lights by smoothing and
// downsampling to 7x6.
let home: string
let cleanup: () => void
let pie: string
let probes: string
const PEOPLE = 12
const GALLERY_LIGHT = 7
/** Probe light of each person: spread over both sides and both rows of the PIE-like set, the gallery's left out. */
const PROBE_LIGHTS = [1, 3, 5, 9, 11, 13, 15, 17, 19, 0, 2, 20]

const person = (i: number): string => `person-${String(i + 1).padStart(3, '0')}`
const light = (k: number): string => `light-${String(k).padStart(2, '0')}.png`
const faces = (...args: string[]) => runCli(['faces', ...args], { PERCEPT_HOME: home })

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  pie = join(home, 'pie')
  probes = join(home, 'probes')
  mkdirSync(probes)
  await writePieSet(pie, { people: PEOPLE, seed: 1 })
  for (let i = 0; i < PEOPLE; i++) {
    const image = await readFaceImage(join(pie, person(i), light(PROBE_LIGHTS[i]!)))
    writeFileSync(join(probes, `${person(i)}.png`), encodeGreyPng(downsample(image, { height: 7, width: 6 })))
  }
  writeFileSync(join(probes, 'too-big.png'), encodeGreyPng(resizeGrey(await readFaceImage(join(pie, person(0), light(3))), 60, 50)))
}, 60_000)
afterAll(() => cleanup())

describe('percept faces gallery commands', () => {
  it('enroll creates each person from their gallery image and refuses bad files by name', async () => {
    const corrupt = join(home, 'corrupt.png')
    // A real PNG cut short in its image data.
    writeFileSync(corrupt, Buffer.concat([readFileSync(join(pie, person(0), light(0))).subarray(0, 60), Buffer.from('cut here')]))
    const huge = join(home, 'huge.jpg')
    // A JPEG start-of-frame declaring 9000 x 9000 pixels, then nothing.
    writeFileSync(huge, Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x23, 0x28, 0x23, 0x28, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]))
    const first = await faces('enroll', person(0), join(pie, person(0), light(GALLERY_LIGHT)), corrupt, huge, '--json')
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const report = JSON.parse(first.stdout)
    expect(report).toMatchObject({ person: { name: person(0), photos: 1 }, created: true, taken: 1, refused: 2 })
    const reasons = Object.fromEntries(report.files.map((f: { file: string; taken: boolean; reason?: string }) => [f.file.slice(home.length + 1), f.taken ? 'taken' : f.reason]))
    expect(reasons[`pie/${person(0)}/${light(GALLERY_LIGHT)}`]).toBe('taken')
    expect(reasons['corrupt.png']).toMatch(/damaged/)
    expect(reasons['huge.jpg']).toMatch(/more than 40 megapixels/)

    for (let i = 1; i < PEOPLE; i++) {
      const { code, stdout, stderr } = await faces('enroll', person(i), join(pie, person(i), light(GALLERY_LIGHT)))
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(stdout).toContain(`${person(i)} (new): 1 photo(s) in the gallery; 1 taken, 0 refused.`)
    }
    const nothing = await faces('enroll', 'nobody', corrupt)
    expect(nothing.code).toBe(1)
    expect(nothing.stdout).toContain(`refused  ${corrupt}: the PNG file is`)
    expect(nothing.stderr).toContain('no photo of nobody was enrolled')

    const listed = await faces('people', '--json')
    expect(listed.code).toBe(0)
    const { people, inbox } = JSON.parse(listed.stdout)
    expect(people.map((p: { name: string; photos: number }) => [p.name, p.photos])).toEqual(Array.from({ length: PEOPLE }, (_, i) => [person(i), 1]))
    expect(inbox).toBe(0)
    // 14 runs of the built app (about 1 to 2 s each on a busy machine).
  }, 120_000)

  it('build caches the 7x6 dictionaries: 12 people, 9 atoms each; a second build reuses them', async () => {
    const built = await faces('build', '--resolution', '7x6', '--json')
    expect(built.stderr).toBe('')
    expect(built.code).toBe(0)
    const summary = JSON.parse(built.stdout)
    expect(summary).toMatchObject({ resolution: '7x6', people: PEOPLE, atoms: 9, photos: PEOPLE, cached: false, skipped: [] })
    expect(summary.seconds).toBeGreaterThan(0)
    const again = await faces('build', '--resolution', '7x6')
    expect(again.stdout).toMatch(/^Reused the cached 7x6 dictionaries: 12 people, 9 atoms each, from 12 photos, in \d+\.\d\d s\.\n$/)
    const tooLarge = await faces('build', '--resolution', '50x40')
    expect(tooLarge.code).toBe(1)
    expect(tooLarge.stderr).toMatch(/larger than the gallery's 48x40/)
  }, 30_000)

  it('identify --json ranks the right person first for most 7x6 probes, as the contract prints it', async () => {
    let right = 0
    for (let i = 0; i < PEOPLE; i++) {
      const { code, stdout, stderr } = await faces('identify', join(probes, `${person(i)}.png`), '--json')
      expect(stderr).toBe('')
      expect(code).toBe(0)
      const result = JSON.parse(stdout)
      expect(Object.keys(result)).toEqual(['resolution', 'candidates', 'seconds'])
      expect(result.resolution).toBe('7x6')
      expect(result.candidates).toHaveLength(5)
      result.candidates.forEach((c: { person: string; residual: number; rank: number }, k: number) => {
        expect(Object.keys(c)).toEqual(['person', 'residual', 'rank'])
        expect(c.rank).toBe(k + 1)
        if (k > 0) expect(c.residual).toBeGreaterThanOrEqual(result.candidates[k - 1].residual)
      })
      if (result.candidates[0].person === person(i)) right++
    }
    // Measured: 9 of 12 (0.75; the misses are probes under lights 2, 11 and 13). The PIE evaluation of the same gallery (light 7, 12 people, seed 1) gives SLRFR
    // a rank-1 rate of 0.775 at 7x6 over all 240 probes; these 12 span the same lights, extremes included.
    expect(right).toBeGreaterThanOrEqual(8)
  }, 120_000)

  it('identify prints a table, and refuses a probe larger than the 48x40 crop', async () => {
    const table = await faces('identify', join(probes, `${person(4)}.png`), '--top', '2')
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^RANK\s+PERSON\s+RESIDUAL$/)
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/)[0])).toEqual(['1', '2'])
    expect(lines[3]).toMatch(/^7x6, \d+\.\d\d s$/)
    const big = await faces('identify', join(probes, 'too-big.png'), '--json')
    expect(big.code).toBe(1)
    expect(big.stdout).toBe('')
    expect(big.stderr).toMatch(/too-big\.png is 60x50 pixels \(height x width\), larger than the gallery's 48x40 face crop: this method identifies low-resolution faces/)
    const zero = await faces('identify', join(probes, `${person(4)}.png`), '--top', '0')
    expect(zero.code).toBe(1)
    expect(zero.stderr).toMatch(/expected a whole number, 1 or more/)
  }, 30_000)
})
