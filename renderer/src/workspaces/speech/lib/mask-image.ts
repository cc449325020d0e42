import { magma } from '../../sound/lib/colormap'

/**
 * The masks of an enhancement (res/enhance/<job>/mask/<key>): float32 .npy files of shape (frames, 622),
 * frame t on the first axis, spectrum bins 1..622 (12.9 Hz to 8 kHz) on the second. As an image, like
 * the paper's Fig. 2: time on x, frequency up, 0 dark and 1 bright (a soft mask's gains in between).
 */

export interface MaskArray {
  frames: number
  bins: number
  data: Float32Array
}

/** Reads a little-endian float32 .npy of two dimensions (format 1.0 or 2.0, C order). */
export function parseMaskNpy(buffer: ArrayBuffer): MaskArray {
  const bytes = new Uint8Array(buffer)
  const magic = String.fromCharCode(...bytes.subarray(1, 6))
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error('The mask is not an .npy array.')
  const view = new DataView(buffer)
  const major = bytes[6]!
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const start = (major === 1 ? 10 : 12) + headerLength
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start))
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error('The mask is not a C-ordered float32 array.')
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header)
  if (!shape) throw new Error('The mask is not a two-dimensional array.')
  const frames = Number(shape[1])
  const bins = Number(shape[2])
  // Copied: the data's offset need not be a multiple of 4.
  const data = new Float32Array(buffer.slice(start, start + frames * bins * 4))
  if (data.length !== frames * bins) throw new Error(`The mask holds ${data.length} values, not ${frames} x ${bins}.`)
  return { frames, bins, data }
}

/** RGBA pixels of a mask image: `frames` columns, `bins` rows, the lowest bin at the bottom. */
export function maskPixels(mask: MaskArray, table: Uint8Array = magma): Uint8ClampedArray<ArrayBuffer> {
  const { frames, bins, data } = mask
  const pixels = new Uint8ClampedArray(frames * bins * 4)
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < bins; k++) {
      const v = Math.min(1, Math.max(0, data[t * bins + k]!))
      const level = Math.round(v * 255) * 3
      const out = ((bins - 1 - k) * frames + t) * 4
      pixels[out] = table[level]!
      pixels[out + 1] = table[level + 1]!
      pixels[out + 2] = table[level + 2]!
      pixels[out + 3] = 255
    }
  }
  return pixels
}

/** Share of units where two masks agree (both >= 0.5 or both below), over frames from `from`; NaN when the shapes differ. */
export function maskAgreement(a: MaskArray, b: MaskArray, from = 0): number {
  if (a.frames !== b.frames || a.bins !== b.bins) return Number.NaN
  let same = 0
  const start = from * a.bins
  for (let i = start; i < a.data.length; i++) if (a.data[i]! >= 0.5 === b.data[i]! >= 0.5) same++
  return a.data.length > start ? same / (a.data.length - start) : Number.NaN
}
