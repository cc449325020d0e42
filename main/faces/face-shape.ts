/**
 * A parametric face surface: a height field z(x, y) over the canonical aligned crop built from a head
 * ellipsoid and Gaussian features (nose, eye sockets, brows, cheeks, mouth, chin). It serves twice: the
 * synthetic identities of the fixtures draw its parameters at random, and the generic face-normal map
 * that relighting needs (the paper combines the albedo with "the average facial information", its
 * reference [7]) is the surface of the mean parameters.
 *
 * Coordinates are fractions of the crop width (so one model serves any crop size): x from -0.5 (left
 * edge) to 0.5, y up, 0 at the crop's centre; z in the same unit. The eyes sit where an eye-centre
 * alignment puts them, the same for everyone.
 */

/** The canonical aligned crop of the paper: 48 x 40 (height x width) grey. */
export const CANONICAL_CROP = { height: 48, width: 40 } as const

/** Eye centres of the canonical alignment, in the model's coordinates: rows ~17 of 48, columns 12 and 28 of 40. */
export const EYE_Y = 0.175
export const EYE_X = 0.2

export interface FaceShape {
  /** Half-width, half-height (from y = headCentreY) and depth of the head ellipsoid. */
  headA: number
  headB: number
  headDepth: number
  headCentreY: number
  noseLength: number
  noseWidth: number
  noseHeight: number
  noseTipY: number
  eyeDepth: number
  eyeSize: number
  browHeight: number
  browY: number
  cheekHeight: number
  mouthY: number
  mouthWidth: number
  mouthDepth: number
  lipHeight: number
  chinHeight: number
  chinY: number
}

export const MEAN_FACE_SHAPE: FaceShape = {
  headA: 0.56,
  headB: 0.78,
  headDepth: 0.42,
  headCentreY: -0.02,
  noseLength: 0.11,
  noseWidth: 0.045,
  noseHeight: 0.09,
  noseTipY: -0.11,
  eyeDepth: 0.045,
  eyeSize: 0.075,
  browHeight: 0.03,
  browY: 0.27,
  cheekHeight: 0.025,
  mouthY: -0.32,
  mouthWidth: 0.13,
  mouthDepth: 0.02,
  lipHeight: 0.015,
  chinHeight: 0.04,
  chinY: -0.5,
}

const bump = (x: number, y: number, cx: number, cy: number, sx: number, sy: number): number =>
  Math.exp(-0.5 * (((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2))

/** z at model coordinates (x, y). */
export function faceHeight(s: FaceShape, x: number, y: number): number {
  const u = 1 - (x / s.headA) ** 2 - ((y - s.headCentreY) / s.headB) ** 2
  // Kept off zero so the ellipsoid's rim has a steep but finite slope.
  let z = s.headDepth * Math.sqrt(Math.max(u, 0.01))
  const noseMidY = s.noseTipY + s.noseLength
  z += s.noseHeight * 0.6 * bump(x, y, 0, noseMidY, s.noseWidth * 0.8, s.noseLength)
  z += s.noseHeight * bump(x, y, 0, s.noseTipY, s.noseWidth, s.noseWidth * 0.9)
  for (const side of [-1, 1]) {
    z -= s.eyeDepth * bump(x, y, side * EYE_X, EYE_Y, s.eyeSize * 1.2, s.eyeSize * 0.8)
    z += s.browHeight * bump(x, y, side * EYE_X, s.browY, 0.1, 0.03)
    z += s.cheekHeight * bump(x, y, side * 0.22, EYE_Y - 0.2, 0.09, 0.08)
  }
  z -= s.mouthDepth * bump(x, y, 0, s.mouthY, s.mouthWidth, 0.02)
  z += s.lipHeight * (bump(x, y, 0, s.mouthY + 0.035, s.mouthWidth * 0.9, 0.018) + bump(x, y, 0, s.mouthY - 0.04, s.mouthWidth * 0.8, 0.022))
  z += s.chinHeight * bump(x, y, 0, s.chinY, 0.13, 0.07)
  return z
}

/** Model coordinates of the centre of pixel (row, col) of a height x width crop. */
export function pixelToModel(row: number, col: number, height: number, width: number): [number, number] {
  return [(col + 0.5) / width - 0.5, (height / 2 - (row + 0.5)) / width]
}

/**
 * Unit normals (nx, ny, nz per pixel, row-major) of the surface z(x, y): n ∝ (-∂z/∂x, -∂z/∂y, 1), the
 * derivatives by central differences of half a pixel on the analytic surface.
 */
export function faceNormals(s: FaceShape, height: number, width: number): Float64Array {
  const out = new Float64Array(height * width * 3)
  const h = 0.5 / width
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [x, y] = pixelToModel(r, c, height, width)
      const zx = (faceHeight(s, x + h, y) - faceHeight(s, x - h, y)) / (2 * h)
      const zy = (faceHeight(s, x, y + h) - faceHeight(s, x, y - h)) / (2 * h)
      const n = Math.hypot(zx, zy, 1)
      const p = 3 * (r * width + c)
      out[p] = -zx / n
      out[p + 1] = -zy / n
      out[p + 2] = 1 / n
    }
  }
  return out
}

/** The generic face-normal map used for relighting: the mean face's normals on the given crop. */
export function meanFaceNormals(height: number = CANONICAL_CROP.height, width: number = CANONICAL_CROP.width): Float64Array {
  return faceNormals(MEAN_FACE_SHAPE, height, width)
}
