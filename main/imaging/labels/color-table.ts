/**
 * A colour table: what each integer label of a label map is called and how it is drawn.
 *
 * Every reader (ITK-SNAP, FreeSurfer, CSV, JSON, MRIcron) produces the same ColorTable; the functions
 * that only look a table up take a ReadonlyMap, so a plain Map works there too.
 */

/** 8-bit sRGB, each 0..255. */
export type Rgb = [number, number, number]

export interface LabelColor {
  name: string
  color: Rgb
  /** Opacity 0..1 (1 = opaque); absent means opaque. */
  alpha?: number
  /** Shown by default (ITK-SNAP's VIS column); absent means visible. */
  visible?: boolean
}

export type ColorTableFormat = 'itk-snap' | 'freesurfer' | 'csv' | 'json' | 'mricron'

/** A line the reader skipped or corrected, and why. `line` is 1-based; absent where the format has no lines. */
export interface ColorTableWarning {
  line?: number
  message: string
}

/** label -> LabelColor, plus what reading it found. */
export class ColorTable extends Map<number, LabelColor> {
  /** The format read, null for a table built in code. */
  format: ColorTableFormat | null = null
  /** The files it came from (an MRIcron pair gives two). */
  sources: string[] = []
  readonly warnings: ColorTableWarning[] = []

  warn(line: number | undefined, message: string): void {
    this.warnings.push(line === undefined ? { message } : { line, message })
  }

  /** Sets an entry; a label defined twice keeps the later definition and says so. */
  define(label: number, entry: LabelColor, line?: number): void {
    if (this.has(label)) this.warn(line, `label ${label} is defined again; the later definition is kept`)
    this.set(label, entry)
  }
}

/** '#rrggbb'. */
export function rgbToHex(color: Rgb): string {
  return '#' + color.map((c) => c.toString(16).padStart(2, '0')).join('')
}

/** '#rgb', '#rrggbb' or '#rrggbbaa' (the '#' optional) to a colour and, for 8 digits, an opacity; null if not hex. */
export function parseHexColor(text: string): { color: Rgb; alpha?: number } | null {
  const hex = text.trim().replace(/^#/, '')
  if (!/^([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) return null
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex
  const byte = (at: number): number => parseInt(full.slice(at, at + 2), 16)
  const color: Rgb = [byte(0), byte(2), byte(4)]
  return full.length === 8 ? { color, alpha: byte(6) / 255 } : { color }
}

/** True for an integer 0..255 (a colour component). */
export function isColorByte(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 255
}

/** Parses a whole decimal integer ('12', '-3'); null for anything else ('1.5', '', '12abc'). */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim()
  if (!/^[-+]?\d+$/.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isSafeInteger(value) ? value : null
}

/** Splits text into lines whatever the line ending (the MRIcron files use CRLF). */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
}

/** A blank line or a '#' comment. */
export function isCommentOrBlank(line: string): boolean {
  const trimmed = line.trim()
  return trimmed === '' || trimmed.startsWith('#')
}

/** The name a label without an entry is shown under. */
export function defaultLabelName(label: number): string {
  return `Label ${label}`
}
