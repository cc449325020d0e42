import type { LabelEntry } from '../../../../../main/api'

export type Rgb = readonly [number, number, number]

/** Labels up to this value sit in a dense table; larger ones (rare: FreeSurfer's 11xxx-14xxx) in a map. */
const denseLimit = 1 << 16

/**
 * A colour for a label the colour table does not name: hues a golden angle (137.5°) apart, so
 * consecutive labels get clearly different colours (the golden-angle sequence, Vogel 1979), at a
 * saturation and value that read on a grey image.
 */
export function fallbackColor(label: number): Rgb {
  const hue = (((label * 137.508) % 360) + 360) % 360
  return hsvToRgb(hue, 0.65, 0.95)
}

/** HSV (h in degrees, s and v in 0..1) to 8-bit RGB, by the hexcone model (Smith 1978). */
export function hsvToRgb(hue: number, saturation: number, value: number): Rgb {
  const chroma = value * saturation
  const sector = hue / 60
  const x = chroma * (1 - Math.abs((sector % 2) - 1))
  const m = value - chroma
  const [r, g, b] =
    sector < 1 ? [chroma, x, 0] : sector < 2 ? [x, chroma, 0] : sector < 3 ? [0, chroma, x] : sector < 4 ? [0, x, chroma] : sector < 5 ? [x, 0, chroma] : [chroma, 0, x]
  const byte = (channel: number): number => Math.round((channel + m) * 255)
  return [byte(r), byte(g), byte(b)]
}

/** Whether this machine stores numbers little-endian (how an RGBA byte quadruple packs into a Uint32). */
const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/** Four bytes r, g, b, a as the Uint32 that a Uint32Array view of an RGBA byte buffer holds for them. */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return (littleEndian ? (a << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | a) >>> 0
}

function unpackRgba(packed: number): [number, number, number, number] {
  const bytes = new Uint8Array(Uint32Array.of(packed).buffer)
  return [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!]
}

/**
 * The overlay's colours: each label's colour from the colour table (or a distinct fallback), fully
 * transparent for the background (0) and for hidden labels. The global opacity is not in here: the
 * shader applies it, so moving the slider re-colours nothing. Colours are kept packed (one Uint32 per
 * label, dense up to 65535), so colouring a slice is a table lookup per texel and allocates nothing.
 */
export class LabelPalette {
  /** Packed RGBA per label below denseLimit. */
  private readonly dense: Uint32Array
  /** Whether a dense entry is filled in yet. */
  private readonly filled: Uint8Array
  private readonly sparse = new Map<number, number>()
  private readonly colors = new Map<number, Rgb>()

  private constructor(
    private readonly names: ReadonlyMap<number, string>,
    private readonly hidden: ReadonlySet<number>,
    maxLabel: number,
  ) {
    const size = Math.min(maxLabel, denseLimit - 1) + 1
    this.dense = new Uint32Array(size)
    this.filled = new Uint8Array(size)
  }

  static from(entries: readonly Pick<LabelEntry, 'label' | 'name' | 'color'>[], hidden: ReadonlySet<number> = new Set()): LabelPalette {
    const maxLabel = entries.reduce((max, entry) => Math.max(max, entry.label), 0)
    const palette = new LabelPalette(new Map(entries.map((entry) => [entry.label, entry.name])), hidden, maxLabel)
    for (const entry of entries) palette.add(entry.label, entry.color)
    return palette
  }

  private add(label: number, color: Rgb): number {
    const packed = packRgba(color[0], color[1], color[2], this.hidden.has(label) ? 0 : 255)
    this.colors.set(label, [color[0], color[1], color[2]])
    if (label < this.filled.length) {
      this.dense[label] = packed
      this.filled[label] = 1
    } else {
      this.sparse.set(label, packed)
    }
    return packed
  }

  /** The label's packed RGBA (see packRgba): alpha 0 for hidden labels, all 0 for the background. */
  packed(label: number): number {
    if (label <= 0) return 0
    if (label < this.filled.length && this.filled[label]) return this.dense[label]!
    const known = this.sparse.get(label)
    return known ?? this.add(label, fallbackColor(label))
  }

  /** Writes the label's RGBA (alpha 255, or 0 for the background and hidden labels) at out[offset..offset+3]. */
  writeRgba(label: number, out: Uint8Array, offset: number): void {
    out.set(unpackRgba(this.packed(label)), offset)
  }

  /** The label's colour (the table's, else its fallback); black for the background. */
  colorOf(label: number): Rgb {
    if (label <= 0) return [0, 0, 0]
    this.packed(label)
    return this.colors.get(label) ?? fallbackColor(label)
  }

  isVisible(label: number): boolean {
    return label > 0 && !this.hidden.has(label)
  }

  /** The table's name, or "Label <n>" for one it does not name; null for the background. */
  nameOf(label: number): string | null {
    if (label <= 0) return null
    return this.names.get(label) ?? `Label ${label}`
  }
}
