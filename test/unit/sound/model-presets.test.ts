import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { describeEscModel, listPresets, presetConfig, presetNames, type EscLayer, type EscPreset } from '../../../main/sound/model'

/** Tables 1-3 of Chen et al. (2019) as printed (Table 3 test 2's "Cov3++DilaCov1" read as one '+'). */
const paperTables: [string, number, number, number, string][] = [
  ['t1-g1-dilated', 1, 1, 1, 'Cov1 + Cov2 + Cov3 + DilaCov1'],
  ['t1-g1-pooling', 1, 1, 2, 'Cov1 + Cov2 + Cov3 + Max-pooling + Cov4'],
  ['t1-g2-dilated', 1, 2, 3, 'Cov1 + Cov2 + DilaCov1 + DilaCov2'],
  ['t1-g2-pooling', 1, 2, 4, 'Cov1 + Cov2 + Max-pooling + Cov3 + Cov4'],
  ['t1-g3-dilated', 1, 3, 5, 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3'],
  ['t1-g3-pooling', 1, 3, 6, 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4'],
  ['t2-g1-rate2', 2, 1, 1, 'Cov1 + Cov2 + Cov3 + DilaCov1(2)'],
  ['t2-g1-rate3', 2, 1, 2, 'Cov1 + Cov2 + Cov3 + DilaCov1(3)'],
  ['t2-g2-rate2', 2, 2, 3, 'Cov1 + Cov2 + DilaCov1(2) + DilaCov2(2)'],
  ['t2-g2-rate3', 2, 2, 4, 'Cov1 + Cov2 + DilaCov1(3) + DilaCov2(3)'],
  ['t2-g3-rate2', 2, 3, 5, 'Cov1 + DilaCov1(2) + DilaCov2(2) + DilaCov3(2)'],
  ['t2-g3-rate3', 2, 3, 6, 'Cov1 + DilaCov1(3) + DilaCov2(3) + DilaCov3(3)'],
  ['t3-g1-1dilated', 3, 1, 1, 'Cov1 + Cov2 + Cov3 + DilaCov1'],
  ['t3-g1-2dilated', 3, 1, 2, 'Cov1 + Cov2 + Cov3 + DilaCov1 + DilaCov2'],
  ['t3-g2-2dilated', 3, 2, 3, 'Cov1 + Cov2 + DilaCov1 + DilaCov2'],
  ['t3-g2-3dilated', 3, 2, 4, 'Cov1 + Cov2 + DilaCov1 + DilaCov2 + DilaCov3'],
  ['t3-g3-3dilated', 3, 3, 5, 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3'],
  ['t3-g3-4dilated', 3, 3, 6, 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3 + DilaCov4'],
]

const presets = listPresets()
const byName = (name: string): EscPreset => presets.find((p) => p.name === name)!

describe('presets', () => {
  it("covers the paper's three tables, with 'dilated' and 'pooling' first", () => {
    expect(presetNames()).toEqual(['dilated', 'pooling', ...paperTables.map((t) => t[0])])
  })

  it.each(paperTables)('%s is Table %i, group %i, test %i: %s', (name, table, group, test, notation) => {
    const preset = byName(name)
    expect({ table: preset.table, group: preset.group, test: preset.test, notation: preset.notation }).toEqual({ table, group, test, notation })
    expect(preset.description).toContain(notation)
    expect(preset.config).toMatchObject({ inputShape: [64, 41, 2], classes: 10, dropout: 0.5, padding: 'same' })
  })

  it("'dilated' is the paper's best (Table 1, test 5) and 'pooling' its max-pooling twin (test 6)", () => {
    expect(byName('dilated')).toMatchObject({ table: 1, group: 3, test: 5, notation: 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3' })
    expect(byName('dilated').config).toEqual(byName('t1-g3-dilated').config)
    expect(byName('pooling')).toMatchObject({ table: 1, group: 3, test: 6, notation: 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4' })
    expect(byName('pooling').config).toEqual(byName('t1-g3-pooling').config)
  })

  it('uses filters 32/32/64/64 (64 for a fifth conv), rate (2, 2) in Tables 1 and 3', () => {
    expect(byName('dilated').config.layers).toEqual([
      { kind: 'conv', filters: 32 },
      { kind: 'conv', filters: 32, dilation: 2 },
      { kind: 'conv', filters: 64, dilation: 2 },
      { kind: 'conv', filters: 64, dilation: 2 },
    ])
    expect(describeEscModel(byName('t3-g3-4dilated').config).filters).toEqual([32, 32, 64, 64, 64])
  })

  describe('Table 1 pairs differ exactly as the paper says', () => {
    const plain = (layers: EscLayer[]) => layers.map((l) => (l.kind === 'conv' ? { kind: 'conv', filters: l.filters } : l))
    it.each([1, 2, 3])('group %i: the twin drops the dilation and adds one max-pooling before the first dilated conv', (group) => {
      const dilated = byName(`t1-g${group}-dilated`).config.layers
      const pooled = byName(`t1-g${group}-pooling`).config.layers
      const first = dilated.findIndex((l) => l.kind === 'conv' && l.dilation !== undefined)
      expect(first).toBe(4 - group) // group g: 4 - g plain convolutions, then g dilated ones
      expect(dilated.slice(first).every((l) => l.kind === 'conv' && l.dilation === 2)).toBe(true)
      expect(pooled).toEqual([...plain(dilated.slice(0, first)), { kind: 'maxpool' }, ...plain(dilated.slice(first))])
      // Same convolutions, so the same parameters: dilation adds none.
      expect(describeEscModel(byName(`t1-g${group}-pooling`).config).params).toBe(describeEscModel(byName(`t1-g${group}-dilated`).config).params)
    })
  })

  it('Table 2 changes only the rate; its rate-2 models are Table 1 dilated ones, and Table 3 starts from them', () => {
    for (const group of [1, 2, 3]) {
      const rate2 = byName(`t2-g${group}-rate2`).config
      const rate3 = byName(`t2-g${group}-rate3`).config
      expect(rate2).toEqual(byName(`t1-g${group}-dilated`).config)
      expect(rate3.layers).toEqual(rate2.layers.map((l) => (l.kind === 'conv' && l.dilation ? { ...l, dilation: 3 } : l)))
      const fewer = byName(`t3-g${group}-${group}dilated`).config
      const more = byName(`t3-g${group}-${group + 1}dilated`).config
      expect(fewer).toEqual(rate2)
      expect(more.layers.slice(0, -1)).toEqual(fewer.layers)
      expect(more.layers.at(-1)).toEqual({ kind: 'conv', filters: 64, dilation: 2 })
    }
  })

  it('presetConfig sets the classes and returns a copy', () => {
    const config = presetConfig('dilated', 4)
    expect(config.classes).toBe(4)
    config.layers.pop()
    expect(presetConfig('dilated', 4).layers).toHaveLength(4)
    expect(listPresets()[0]!.config.classes).toBe(10)
    expect(() => presetConfig('dilated', 1)).toThrow(/classes: Too small/)
  })

  it('an unknown name is a VALIDATION error that lists the presets', () => {
    let error: unknown
    try {
      presetConfig('dilated-4', 10)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PerceptError)
    expect((error as PerceptError).code).toBe('VALIDATION')
    expect((error as PerceptError).message).toMatch(/^Unknown sound model preset 'dilated-4'\. Presets: dilated, pooling, t1-g1-dilated, .*t3-g3-4dilated\.$/)
    expect((error as PerceptError).details).toEqual({ presets: presetNames() })
  })
})
