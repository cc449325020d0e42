import { describe, expect, it } from 'vitest'
import { describeEscModel, layerTableMarkdown, presetConfig, type EscLayer } from '../../../main/sound/model'

/*
 * Receptive field, per axis: r_0 = 1, j_0 = 1 and per layer r += (s - 1) * j, where s is the span
 * ((k - 1) * d + 1 for a k x k conv of dilation d; 2 for the 2x2 pooling) and j the product of the
 * strides before the layer (pooling doubles it after itself).
 */
const rf = (config: Parameters<typeof describeEscModel>[0]) =>
  describeEscModel(config).layers.flatMap((row) => (row.receptiveField ? [row.receptiveField.frames] : []))

describe('describeEscModel', () => {
  it("'dilated' sees 15 x 15: 1 + 2 * 1 (Cov1) + 2 * 2 * 3 (three rate-2 convs) = 15", () => {
    const d = describeEscModel(presetConfig('dilated', 10))
    expect(rf(presetConfig('dilated', 10))).toEqual([3, 7, 11, 15])
    expect(d.receptiveField).toEqual({ frames: 15, bands: 15 })
    expect(d.notation).toBe('Cov1 + DilaCov1(2) + DilaCov2(2) + DilaCov3(2)')
  })

  it("'pooling' sees 16 x 16: 1 + 2 (Cov1) + 1 (pool, jump 1 -> 2) + 2 * 2 * 3 (three convs at jump 2) = 16", () => {
    expect(rf(presetConfig('pooling', 10))).toEqual([3, 4, 8, 12, 16])
    expect(describeEscModel(presetConfig('pooling', 10)).receptiveField).toEqual({ frames: 16, bands: 16 })
  })

  it("agrees with the paper's worked examples (section 3, Fig. 4)", () => {
    const conv = (dilation?: number): EscLayer => ({ kind: 'conv', filters: 1, ...(dilation ? { dilation } : {}) })
    // "after pooling ... a convolution with stride 1 and padding same ... the receptive field becomes 6 x 6"
    expect(rf({ classes: 2, inputShape: [10, 10, 1], layers: [{ kind: 'maxpool' }, conv()] })).toEqual([2, 6])
    // 3x3 then 2-dilated: 7 x 7. The caption's next step, 3-dilated, gives 7 + 2 * 3 = 13 (it says 11 x 11;
    // 15 is the rate-4 step of the figure it follows, Yu & Koltun's).
    expect(rf({ classes: 2, layers: [conv(), conv(2), conv(3)] })).toEqual([3, 7, 13])
    expect(rf({ classes: 2, layers: [conv(), conv(2), conv(4)] })).toEqual([3, 7, 15])
  })

  it('grows with the rate (Table 2) and with the number of dilated layers (Table 3)', () => {
    expect(describeEscModel(presetConfig('t2-g3-rate3', 10)).receptiveField.frames).toBe(21) // 1 + 2 + 3 * 6
    expect(describeEscModel(presetConfig('t3-g3-4dilated', 10)).receptiveField.frames).toBe(19) // 1 + 2 + 4 * 4
    const rect = describeEscModel({ classes: 2, layers: [{ kind: 'conv', filters: 1, dilation: [1, 3] }] })
    expect(rect.receptiveField).toEqual({ frames: 7, bands: 3 })
  })

  it("counts 'dilated' parameters as by hand: 65,930 for 10 classes", () => {
    const d = describeEscModel(presetConfig('dilated', 10))
    // (3 * 3 * in + 1) * filters per conv; (64 + 1) * 10 for the softmax.
    const byHand = [(9 * 2 + 1) * 32, (9 * 32 + 1) * 32, (9 * 32 + 1) * 64, (9 * 64 + 1) * 64, 0, 0, (64 + 1) * 10]
    expect(byHand).toEqual([608, 9248, 18496, 36928, 0, 0, 650])
    expect(d.layers.map((row) => row.params)).toEqual(byHand)
    expect(d.params).toBe(65930)
    expect(describeEscModel(presetConfig('dilated', 50)).params).toBe(65930 - 650 + 65 * 50)
  })

  it('lists layer kinds and output shapes; states what the paper leaves open', () => {
    const d = describeEscModel(presetConfig('pooling', 10))
    expect(d.layers.map((row) => [row.label, row.kind, row.output])).toEqual([
      ['Cov1', 'conv', [64, 41, 32]],
      ['Max-pooling', 'max-pooling', [32, 21, 32]],
      ['Cov2', 'conv', [32, 21, 32]],
      ['Cov3', 'conv', [32, 21, 64]],
      ['Cov4', 'conv', [32, 21, 64]],
      ['Global average pooling', 'global average pooling', [64]],
      ['Dropout', 'dropout', [64]],
      ['Softmax', 'dense softmax', [10]],
    ])
    expect(d).toMatchObject({ inputShape: [64, 41, 2], classes: 10, padding: 'same', dropout: 0.5, filters: [32, 32, 64, 64] })
    expect(d.notInPaper.join(' ')).toMatch(/32\/32\/64\/64.*padding 'same'.*Glorot/is)
    const table = layerTableMarkdown(describeEscModel(presetConfig('dilated', 10)))
    expect(table).toContain('| DilaCov3 | dilated conv | 3x3, 64 filters, dilation (2, 2), stride 1, same, ReLU | 64 x 41 x 64 | 15 x 15 | 36,928 |')
    expect(table.split('\n').at(-1)).toBe('| Total | | | | | 65,930 |')
  })
})
