/** An (x, y) point in an image's pixels (pixel centres at integer + 0.5). */
export type Point = readonly [x: number, y: number]

/** Mean of points (an eye's or the mouth's centre from its landmarks). */
export function centroid(points: readonly Point[]): Point {
  let x = 0
  let y = 0
  for (const [px, py] of points) {
    x += px
    y += py
  }
  return [x / points.length, y / points.length]
}

/** The iBUG 300-W 68-point layout's groups, as [from, to) index ranges. */
export const LANDMARKS_68 = {
  /** 36-41 and 42-47: the eyes on the image's left and right (the subject's right and left). */
  leftEye: [36, 42],
  rightEye: [42, 48],
  /** 48-59 the outer lip contour (48 and 54 the mouth corners), 60-67 the inner one. */
  outerLips: [48, 60],
  innerLips: [60, 68],
  mouth: [48, 68],
} as const satisfies Record<string, readonly [number, number]>
