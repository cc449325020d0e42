import type { LabelEntry } from '../../../../../../main/api'

/** A label's colour, 0-255 per channel (sRGB). */
export type Rgb = LabelEntry['color']

export function rgbCss(color: Rgb, alpha = 1): string {
  return alpha >= 1 ? `rgb(${color[0]}, ${color[1]}, ${color[2]})` : `rgba(${color[0]}, ${color[1]}, ${color[2]}, ${alpha})`
}

export function rgbHex(color: Rgb): string {
  return `#${color.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`
}

/** Hue in degrees [0, 360) of the HSL model; greys answer -1 so they sort before the colours. */
export function rgbHue(color: Rgb): number {
  const [r, g, b] = color.map((channel) => channel / 255) as [number, number, number]
  const max = Math.max(r, g, b)
  const chroma = max - Math.min(r, g, b)
  if (chroma === 0) return -1
  let hue: number
  if (max === r) hue = ((g - b) / chroma) % 6
  else if (max === g) hue = (b - r) / chroma + 2
  else hue = (r - g) / chroma + 4
  return (hue * 60 + 360) % 360
}
