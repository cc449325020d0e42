import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { dilationOf, paperNotation, parseEscModelConfig, walkGeometry, type EscLayer } from '../../../main/sound/model'

function validationError(value: unknown): PerceptError {
  try {
    parseEscModelConfig(value)
  } catch (error) {
    expect(error).toBeInstanceOf(PerceptError)
    expect((error as PerceptError).code).toBe('VALIDATION')
    return error as PerceptError
  }
  throw new Error('expected a VALIDATION error')
}

const conv = (filters: number, dilation?: number | [number, number]): EscLayer => ({ kind: 'conv', filters, ...(dilation ? { dilation } : {}) })

describe('parseEscModelConfig', () => {
  it("fills the paper's defaults: 64 x 41 x 2 input, dropout 0.5, 'same' padding", () => {
    const config = parseEscModelConfig({ classes: 10, layers: [conv(8)] })
    expect(config).toEqual({ inputShape: [64, 41, 2], classes: 10, layers: [conv(8)], dropout: 0.5, padding: 'same' })
  })

  it('keeps every setting configurable: input shape, classes, filters, dilation, dropout, padding, seed', () => {
    const value = {
      inputShape: [40, 101, 1],
      classes: 50,
      layers: [conv(16), conv(24, [2, 3]), { kind: 'maxpool' }, conv(48, 4)],
      dropout: 0.25,
      padding: 'valid',
      seed: 7,
    }
    expect(parseEscModelConfig(value)).toEqual(value)
    expect(dilationOf(conv(1, [2, 3]) as Extract<EscLayer, { kind: 'conv' }>)).toEqual([2, 3])
    expect(dilationOf({ kind: 'conv', filters: 1 })).toEqual([1, 1])
  })

  it("names the layer, its span and what is left when a 'valid' stack shrinks the input below a kernel", () => {
    // 41 frames - 2 (Cov1) - 2 (Cov2) = 37; rate-8 conv spans 17; 37 - 16 = 21 left for a rate-16 conv spanning 33.
    const error = validationError({ classes: 10, padding: 'valid', layers: [conv(8), conv(8), conv(8, 8), conv(8, 16)] })
    expect(error.message).toBe(
      "Invalid sound model config: layers[3]: DilaCov2 (3x3, dilation (16, 16)) spans 33 bands x 33 frames, but with padding " +
        "'valid' the layers before it leave only 44 bands x 21 frames of the 64 bands x 41 frames input. " +
        "Use padding 'same', a smaller dilation, or fewer layers before it.",
    )
    expect((error.details as { issues: { path: string }[] }).issues[0]!.path).toBe('layers[3]')
    // The same stack with 'same' padding keeps 64 x 41 all the way.
    expect(() => parseEscModelConfig({ classes: 10, padding: 'same', layers: [conv(8), conv(8), conv(8, 8), conv(8, 16)] })).not.toThrow()
  })

  it('catches max-pooling that halves the input away', () => {
    const pools = Array.from({ length: 6 }, () => ({ kind: 'maxpool' as const }))
    const error = validationError({ classes: 2, padding: 'valid', layers: [conv(4), ...pools] })
    // Cov1 leaves 62 x 39; five poolings: 31 x 19, 15 x 9, 7 x 4, 3 x 2, 1 x 1: nothing left for the sixth.
    expect(error.message).toMatch(/layers\[6\]: Max-pooling \(2x2, stride 2\) spans 2 bands x 2 frames, .* leave only 1 bands x 1 frames/)
    expect(error.message).toMatch(/Use padding 'same', or fewer layers before it\.$/)
  })

  it('lists every problem with its path', () => {
    const message = validationError({ classes: 1, layers: [{ kind: 'conv', filters: 0 }, { kind: 'avgpool' }], dropout: 1, extra: true }).message
    expect(message).toMatch(/classes: Too small/)
    expect(message).toMatch(/layers\[0\]\.filters: Too small/)
    expect(message).toMatch(/layers\[1\]\.kind/)
    expect(message).toMatch(/dropout: Too big/)
    expect(message).toMatch(/Unrecognized key: "extra"/)
  })

  it('tells a first layer too wide for the input to change padding or dilation', () => {
    const error = validationError({ classes: 2, inputShape: [8, 41, 2], padding: 'valid', layers: [conv(4, 5)] })
    expect(error.message).toMatch(/DilaCov1 \(3x3, dilation \(5, 5\)\) spans 11 bands x 11 frames, but with padding 'valid' its input is only 8 bands x 41 frames\. Use padding 'same', or a smaller dilation\.$/)
  })

  it('needs at least one convolution', () => {
    expect(validationError({ classes: 10, layers: [{ kind: 'maxpool' }] }).message).toMatch(/layers: needs at least one conv layer/)
  })
})

describe('paper notation and geometry', () => {
  it("numbers plain and dilated convolutions apart, as the paper does; rates as in Table 2", () => {
    const layers = [conv(8), conv(8), { kind: 'maxpool' as const }, conv(8, 2), conv(8, [3, 1])]
    expect(paperNotation(layers)).toBe('Cov1 + Cov2 + Max-pooling + DilaCov1 + DilaCov2')
    expect(paperNotation(layers, true)).toBe('Cov1 + Cov2 + Max-pooling + DilaCov1(2) + DilaCov2(3, 1)')
  })

  it('tracks shapes: same keeps 64 x 41, valid trims (k - 1) * d, pooling halves (ceil with same, floor with valid)', () => {
    const layers = [conv(4), conv(6, [2, 3]), { kind: 'maxpool' as const }]
    const same = walkGeometry({ inputShape: [64, 41, 2], padding: 'same', layers }).layers.map((g) => g.output)
    expect(same).toEqual([[64, 41, 4], [64, 41, 6], [32, 21, 6]])
    const valid = walkGeometry({ inputShape: [64, 41, 2], padding: 'valid', layers }).layers.map((g) => g.output)
    expect(valid).toEqual([[62, 39, 4], [58, 33, 6], [29, 16, 6]])
  })
})
