import type { GreyImage } from './face-image'
import { EYE_X, EYE_Y, MEAN_FACE_SHAPE, pixelToModel } from './face-shape'
import { lightFromPolar, shading, type Vec3 } from './lambertian'
import { gaussianBlur } from './resolution'

/**
 * The nine pre-specified light directions of Lee, Ho and Kriegman, "Acquiring linear subspaces for face
 * recognition under variable lighting", IEEE TPAMI 27(5), 2005 (the paper's reference [14]): their
 * "universal configuration", given there as (θ, φ) in degrees. Where these numbers come from: the SLRFR
 * paper does not list them (it says only "nine different light sources placed at pre-selected
 * positions", section 3.1), and no copy of Lee, Ho and Kriegman was at hand to check against, so they are
 * the configuration as recalled from that paper, unverified. We read θ as the angle from the viewing axis
 * and φ as the angle around it, which puts the first light at the camera and the other eight at grazing
 * angles all round, as the paper's figure of the configuration shows. Should the angles differ from the
 * original, only this table changes; any nine well-spread directions span nearly the same subspace.
 */
export const LEE_HO_KRIEGMAN_ANGLES: readonly (readonly [theta: number, phi: number])[] = [
  [0, 0],
  [68, -90],
  [74, 108],
  [80, 52],
  [85, -42],
  [85, -137],
  [85, 146],
  [85, -4],
  [51, 67],
]

export const LEE_HO_KRIEGMAN_LIGHTS: readonly Vec3[] = LEE_HO_KRIEGMAN_ANGLES.map(([t, p]) => lightFromPolar(t, p))

/** A light estimated from one image: I ≈ ρ (max(n^T s, 0) + ambient), ρ carrying the light's strength. */
export interface LightEstimate {
  /** Unit direction s. */
  direction: Vec3
  /** Ambient level relative to the direct light (0 when the image shows none). */
  ambient: number
}

/** Pixels darker than this fraction of the brightest are shadow or dark albedo, not used to fit the light. */
const LIT_FRACTION = 0.1
/** Where n^T s falls below this the shading is too weak to divide by: albedo there is shrunk to its surroundings. */
const RELIABLE_SHADING = 0.25
/** Width (pixels of a 48 x 40 crop, scaled with the crop) of the neighbourhood the shrinkage borrows from. */
const NEIGHBOURHOOD_SIGMA = 3

/** Solves the 4 x 4 normal equations of the light fit by Gaussian elimination with partial pivoting. */
function solve4(a: number[][], b: number[]): number[] | null {
  const m = a.map((row, i) => [...row, b[i]!])
  for (let c = 0; c < 4; c++) {
    let p = c
    for (let r = c + 1; r < 4; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r
    if (Math.abs(m[p]![c]!) < 1e-12) return null
    ;[m[c], m[p]] = [m[p]!, m[c]!]
    for (let r = c + 1; r < 4; r++) {
      const f = m[r]![c]! / m[c]![c]!
      for (let k = c; k < 5; k++) m[r]![k]! -= f * m[c]![k]!
    }
  }
  const x = [0, 0, 0, 0]
  for (let r = 3; r >= 0; r--) {
    let s = m[r]![4]!
    for (let k = r + 1; k < 4; k++) s -= m[r]![k]! * x[k]!
    x[r] = s / m[r]![r]!
  }
  return x
}

/**
 * Where an aligned face is usually bare skin: inside the cheeks' outline, below the usual hairline and
 * away from the eyes, brows and mouth, whose albedo is far from the skin's. The light is fitted there
 * only, since the fit assumes a constant albedo. In the model coordinates of face-shape.ts.
 */
export function skinMask(height: number, width: number): Uint8Array {
  const mask = new Uint8Array(height * width)
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [x, y] = pixelToModel(r, c, height, width)
      const inside = Math.abs(x) < 0.42 && y > -0.55 && y < 0.3 - 0.6 * x * x
      const eyes = Math.abs(y - (EYE_Y + 0.04)) < 0.12 && Math.abs(x) > EYE_X - 0.13 && Math.abs(x) < EYE_X + 0.14
      const mouth = Math.abs(y - MEAN_FACE_SHAPE.mouthY) < 0.07 && Math.abs(x) < 0.17
      mask[r * width + c] = inside && !eyes && !mouth ? 1 : 0
    }
  }
  return mask
}

/** Rounds of reweighting in the light fit. */
const LIGHT_FIT_ROUNDS = 8
/** Tukey's biweight cut-off, in robust standard deviations of the fit's residuals (4.685: 95% efficiency). */
const TUKEY_C = 4.685

/**
 * The light of equation 2 from one image and a normal map. Taking the albedo as a constant ρ̄ over the
 * skin, I ≈ n^T L + b is linear in (L, b) = (ρ̄ s, ρ̄ a), fitted by least squares over the pixels that are
 * bright, on the skin (skinMask) and, under the current estimate, facing the light. Blotches and moles, brows, eyes and lips break the
 * also break the constant-albedo assumption and would pull the light towards them, so the fit is iteratively
 * reweighted with Tukey's biweight on the residuals (scale from their median absolute deviation): such
 * pixels end up with weight 0. s = L / |L|, a = b / |L|.
 */
export function estimateLight(image: GreyImage, normals: Float64Array): LightEstimate {
  const n = image.data.length
  if (normals.length !== 3 * n) throw new Error(`the normal map has ${normals.length / 3} pixels, the image ${n}`)
  let max = 0
  for (let p = 0; p < n; p++) max = Math.max(max, image.data[p]!)
  let light: number[] | null = null
  const weights = new Float64Array(n).fill(1)
  const skin = skinMask(image.height, image.width)
  for (let round = 0; round < LIGHT_FIT_ROUNDS; round++) {
    const ata = [0, 1, 2, 3].map(() => [0, 0, 0, 0])
    const atb = [0, 0, 0, 0]
    const used = new Uint8Array(n)
    for (let p = 0; p < n; p++) {
      const v = image.data[p]!
      if (!skin[p] || !(v > LIT_FRACTION * max) || weights[p] === 0) continue
      const row = [normals[3 * p]!, normals[3 * p + 1]!, normals[3 * p + 2]!, 1]
      if (light) {
        const ns = (row[0]! * light[0]! + row[1]! * light[1]! + row[2]! * light[2]!) / Math.hypot(light[0]!, light[1]!, light[2]!)
        if (ns < 0.05) continue
      }
      used[p] = 1
      const w = weights[p]!
      for (let i = 0; i < 4; i++) {
        atb[i]! += w * row[i]! * v
        for (let j = 0; j < 4; j++) ata[i]![j]! += w * row[i]! * row[j]!
      }
    }
    const next = solve4(ata, atb)
    if (!next || Math.hypot(next[0]!, next[1]!, next[2]!) === 0) break
    light = next
    const residuals: number[] = []
    const r = new Float64Array(n)
    for (let p = 0; p < n; p++) {
      if (!used[p]) continue
      r[p] = image.data[p]! - (normals[3 * p]! * light[0]! + normals[3 * p + 1]! * light[1]! + normals[3 * p + 2]! * light[2]! + light[3]!)
      residuals.push(Math.abs(r[p]!))
    }
    residuals.sort((a, b) => a - b)
    const scale = 1.4826 * (residuals[residuals.length >> 1] ?? 0)
    if (!(scale > 0)) break
    for (let p = 0; p < n; p++) {
      const u = r[p]! / (TUKEY_C * scale)
      weights[p] = used[p] ? (Math.abs(u) < 1 ? (1 - u * u) ** 2 : 0) : 1
    }
  }
  if (!light) return { direction: [0, 0, 1], ambient: 0 }
  const strength = Math.hypot(light[0]!, light[1]!, light[2]!)
  return { direction: [light[0]! / strength, light[1]! / strength, light[2]! / strength], ambient: Math.max(0, light[3]! / strength) }
}

/**
 * The albedo of equation 2 under an estimated light, after the non-stationary filtering idea of Biswas,
 * Aggarwal and Chellappa (the paper's reference [5]), simplified: the direct estimate ρ0 = I / S, with
 * S = max(n^T s, 0) + a, is trusted in proportion to w = S² / (S² + τ²) (its error grows as 1 / S where the
 * generic normals are off) and otherwise shrunk towards a w-weighted Gaussian average of its
 * neighbourhood: ρ = w ρ0 + (1 - w) ρ̄_local. The result is clipped to [0, 1.5 x its 99th percentile].
 */
export function estimateAlbedo(image: GreyImage, normals: Float64Array, light: LightEstimate): Float64Array {
  const { height, width } = image
  const s = shading(normals, light.direction)
  const n = s.length
  const direct = new Float64Array(n)
  const weight = new Float64Array(n)
  const tau2 = RELIABLE_SHADING ** 2
  for (let p = 0; p < n; p++) {
    const total = s[p]! + light.ambient
    direct[p] = total > 1e-6 ? image.data[p]! / total : 0
    weight[p] = total ** 2 / (total ** 2 + tau2)
  }
  const sigma = (NEIGHBOURHOOD_SIGMA * width) / 40
  const weighted = gaussianBlur({ height, width, data: direct.map((v, p) => v * weight[p]!) }, sigma, sigma).data
  const mass = gaussianBlur({ height, width, data: weight }, sigma, sigma).data
  const albedo = new Float64Array(n)
  for (let p = 0; p < n; p++) {
    const local = mass[p]! > 1e-9 ? weighted[p]! / mass[p]! : direct[p]!
    albedo[p] = weight[p]! * direct[p]! + (1 - weight[p]!) * local
  }
  const sorted = Float64Array.from(albedo).sort()
  const cap = 1.5 * (sorted[Math.floor(0.99 * (n - 1))] ?? 1)
  for (let p = 0; p < n; p++) albedo[p] = Math.min(cap, Math.max(0, albedo[p]!))
  return albedo
}

export interface Relit {
  light: LightEstimate
  albedo: Float64Array
  /** The face under each of `lights` (equation 3's I_i = ρ max(n^T s_i, 0)), same size as the input. */
  images: GreyImage[]
}

/**
 * Relighting (section 3.1): estimate light and albedo of one aligned face under the Lambertian model with
 * a generic normal map of the same crop, then render it under each of the given lights (by default the
 * nine of Lee, Ho and Kriegman, whose images span the face's illumination subspace, equation 3).
 */
export function relightFace(image: GreyImage, normals: Float64Array, lights: readonly Vec3[] = LEE_HO_KRIEGMAN_LIGHTS): Relit {
  const light = estimateLight(image, normals)
  const albedo = estimateAlbedo(image, normals, light)
  const images = lights.map((l) => {
    const data = shading(normals, l)
    for (let p = 0; p < data.length; p++) data[p] = albedo[p]! * data[p]!
    return { height: image.height, width: image.width, data }
  })
  return { light, albedo, images }
}
