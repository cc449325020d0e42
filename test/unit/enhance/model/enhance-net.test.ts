import { describe, expect, it } from 'vitest'
import { enhanceNetConfig, netGeometry, parameterCounts } from '../../../../main/enhance/model/enhance-net'

describe('the enhancement network (paper Sec. III-B)', () => {
  it('has the shapes of the paper: audio 8 x 500 kept by stride 1, lips 50 x 92 halved twice by stride 2', () => {
    const g = netGeometry(enhanceNetConfig('multimodal'))
    expect(g.channels.map((c) => c.layers.map((l) => (l.kind === 'conv' ? l.output : l.units)))).toEqual([
      [[8, 500, 32], [8, 500, 32], 256],
      [[25, 46, 32], [13, 23, 32], 256],
    ])
    expect(g.head).toMatchObject({ inputs: 512, units: 622 })
    expect(netGeometry(enhanceNetConfig('unimodal')).head.inputs).toBe(256)
    expect(() => enhanceNetConfig('bimodal')).toThrow(/Unknown model "bimodal": choose one of unimodal, multimodal, mburst/)
  })

  it('counts the parameters of each model', () => {
    // worked by hand: conv1 3*3*1*32 + 32 = 320; conv2 3*3*32*32 + 32 = 9248;
    // audio embed 8*500*32*256 + 256 = 32768256; lips embed 13*23*32*256 + 256 = 2449664;
    // head 256*622 + 622 = 159854 (Unimodal), 512*622 + 622 = 319086 (two channels)
    const unimodal = 320 + 9248 + 32768256 + 159854
    const multimodal = 2 * (320 + 9248) + 32768256 + 2449664 + 319086
    expect(parameterCounts(enhanceNetConfig('unimodal'))).toMatchObject({ total: unimodal, feedback: 0 })
    expect(parameterCounts(enhanceNetConfig('multimodal'))).toMatchObject({ total: multimodal, feedback: 0 })
    // MBURST: the same forward parameters, plus Y beside the kernels of both conv2, both embeds and the head
    const feedback = 2 * 9216 + 32768000 + 2449408 + 318464
    expect(parameterCounts(enhanceNetConfig('mburst'))).toMatchObject({ total: multimodal, feedback })
  })
})
