import { describe, expect, it } from 'vitest'
import { encodeNpy } from '../../../../main/dsp/features'
import { magma } from '../../../../renderer/src/workspaces/sound/lib/colormap'
import { maskAgreement, maskPixels, parseMaskNpy } from '../../../../renderer/src/workspaces/speech/lib/mask-image'

// The Enhancement tab reads the masks the core writes (encodeNpy, as writeNpy does) and draws them as Fig. 2:
// time on x, the lowest bin at the bottom.

const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

describe('mask images', () => {
  it('reads back a (frames, bins) float32 .npy as written by the core', () => {
    const data = Float32Array.from({ length: 3 * 5 }, (_, i) => i / 14)
    const mask = parseMaskNpy(buffer(encodeNpy(data, [3, 5])))
    expect(mask.frames).toBe(3)
    expect(mask.bins).toBe(5)
    expect(Array.from(mask.data)).toEqual(Array.from(data))
    expect(() => parseMaskNpy(buffer(new TextEncoder().encode('not an array at all')))).toThrow(/not an \.npy array/)
  })

  it('puts frame t in column t and bin 0 in the bottom row, 0 dark and 1 bright', () => {
    // 2 frames x 3 bins: frame 1's lowest bin is 1, everything else 0.
    const mask = { frames: 2, bins: 3, data: Float32Array.of(0, 0, 0, 1, 0, 0) }
    const pixels = maskPixels(mask)
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 4))
    expect(at(1, 2)).toEqual([magma[255 * 3], magma[255 * 3 + 1], magma[255 * 3 + 2], 255])
    for (const [x, y] of [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2]] as const) expect(at(x, y)).toEqual([magma[0], magma[1], magma[2], 255])
  })

  it('counts the units where two masks agree at the 0.5 threshold, from a frame on', () => {
    const a = { frames: 2, bins: 2, data: Float32Array.of(1, 1, 0.7, 0.2) }
    const b = { frames: 2, bins: 2, data: Float32Array.of(0, 0, 1, 1) }
    expect(maskAgreement(a, b)).toBe(0.25)
    expect(maskAgreement(a, b, 1)).toBe(0.5)
    expect(maskAgreement(a, { frames: 1, bins: 2, data: Float32Array.of(0, 0) })).toBeNaN()
  })
})
