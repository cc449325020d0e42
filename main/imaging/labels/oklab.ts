import type { Rgb } from './color-table'

/**
 * sRGB <-> Oklab, the perceptual space distinct colours are spread in. Matrices from Björn Ottosson,
 * "A perceptual color space for image processing" (2020); the sRGB transfer curve is IEC 61966-2-1's.
 * A Euclidean distance in Oklab (deltaE_OK) of about 0.02 is a just-noticeable difference, the
 * threshold CSS Color 4 uses for gamut mapping.
 */

export type Oklab = [number, number, number]

function decode(byte: number): number {
  const v = byte / 255
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
}

function encode(linear: number): number {
  const v = linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055
  return Math.round(255 * Math.min(1, Math.max(0, v)))
}

export function srgbToOklab(color: Rgb): Oklab {
  const r = decode(color[0])
  const g = decode(color[1])
  const b = decode(color[2])
  const l = Math.cbrt(0.4122214708 * r + 0.5363152887 * g + 0.0514633737 * b)
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ]
}

/** Oklab to linear-light sRGB, unclipped: a component outside 0..1 means the colour is out of gamut. */
export function oklabToLinearSrgb([L, a, b]: Oklab): [number, number, number] {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ]
}

export function inSrgbGamut(lab: Oklab): boolean {
  return oklabToLinearSrgb(lab).every((v) => v >= 0 && v <= 1)
}

/** Nearest 8-bit sRGB colour (components clipped to the gamut). */
export function oklabToSrgb(lab: Oklab): Rgb {
  const [r, g, b] = oklabToLinearSrgb(lab)
  return [encode(r), encode(g), encode(b)]
}

/** deltaE_OK: Euclidean distance in Oklab. */
export function oklabDistance(p: Oklab, q: Oklab): number {
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])
}
