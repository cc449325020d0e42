/**
 * Matplotlib's "magma" (the colour map librosa's specshow uses): perceptually uniform, dark for quiet
 * and bright for loud, readable in both themes and in greyscale. 16 stops, interpolated to 256.
 */
const magmaStops = [
  '000004', '0b0924', '20114b', '3b0f70', '57157e', '721f81', '8c2981', 'a8327d',
  'c43c75', 'de4968', 'f1605d', 'fa7f5e', 'fe9f6d', 'febf84', 'fddea0', 'fcfdbf',
]

function channel(hex: string, index: number): number {
  return parseInt(hex.slice(index * 2, index * 2 + 2), 16)
}

/** A 256-entry RGB lookup table (768 bytes) interpolated between hex stops. */
export function colorTable(stops: readonly string[] = magmaStops): Uint8Array {
  const table = new Uint8Array(256 * 3)
  const last = stops.length - 1
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * last
    const low = Math.min(last, Math.floor(position))
    const high = Math.min(last, low + 1)
    const t = position - low
    for (let c = 0; c < 3; c++) {
      const a = channel(stops[low]!, c)
      const b = channel(stops[high]!, c)
      table[i * 3 + c] = Math.round(a + (b - a) * t)
    }
  }
  return table
}

export const magma = colorTable()

/**
 * RGBA pixels for a spectrogram answer (`mels` rows of `columns` bytes, row 0 the lowest band): the
 * lowest band at the bottom of the image, as a spectrogram is read.
 */
export function spectrogramPixels(bytes: Uint8Array, mels: number, columns: number, table: Uint8Array = magma): Uint8ClampedArray<ArrayBuffer> {
  if (bytes.length !== mels * columns) {
    throw new Error(`A spectrogram of ${mels} x ${columns} needs ${mels * columns} bytes, got ${bytes.length}.`)
  }
  const pixels = new Uint8ClampedArray(mels * columns * 4)
  for (let row = 0; row < mels; row++) {
    const source = row * columns
    const target = (mels - 1 - row) * columns * 4
    for (let column = 0; column < columns; column++) {
      const level = bytes[source + column]! * 3
      const out = target + column * 4
      pixels[out] = table[level]!
      pixels[out + 1] = table[level + 1]!
      pixels[out + 2] = table[level + 2]!
      pixels[out + 3] = 255
    }
  }
  return pixels
}
