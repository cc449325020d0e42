import { add, dot, normalize, scale, type Vec3 } from './vec3'

/** The anatomical viewpoints of the 3-D view: the side of the patient the camera looks at. */
export type ViewPreset = 'left' | 'right' | 'anterior' | 'posterior' | 'superior' | 'inferior'

export interface ViewPresetInfo {
  id: ViewPreset
  /** The orientation letter on its button. */
  letter: 'L' | 'R' | 'A' | 'P' | 'S' | 'I'
  label: string
  /** Unit vector from the target to the camera, RAS+ world. */
  direction: Vec3
  /** World direction shown upwards on screen. */
  up: Vec3
}

/**
 * In RAS+ world the patient's left is at -x, so the camera "from the left" stands at -x looking towards
 * +x; lateral, anterior and posterior views keep Superior up; the views from above and below keep
 * Anterior up (the nose at the top of the screen), as 3D Slicer's and Freeview's presets do.
 */
export const viewPresets: readonly ViewPresetInfo[] = [
  { id: 'left', letter: 'L', label: 'View from the left', direction: [-1, 0, 0], up: [0, 0, 1] },
  { id: 'right', letter: 'R', label: 'View from the right', direction: [1, 0, 0], up: [0, 0, 1] },
  { id: 'anterior', letter: 'A', label: 'View from the front (anterior)', direction: [0, 1, 0], up: [0, 0, 1] },
  { id: 'posterior', letter: 'P', label: 'View from the back (posterior)', direction: [0, -1, 0], up: [0, 0, 1] },
  { id: 'superior', letter: 'S', label: 'View from above (superior)', direction: [0, 0, 1], up: [0, 1, 0] },
  { id: 'inferior', letter: 'I', label: 'View from below (inferior)', direction: [0, 0, -1], up: [0, 1, 0] },
]

export function viewPreset(id: ViewPreset): ViewPresetInfo {
  const preset = viewPresets.find((candidate) => candidate.id === id)
  if (!preset) throw new Error(`Unknown view preset "${id}".`)
  return preset
}

export interface CameraPose {
  position: Vec3
  target: Vec3
  /** The camera's up hint: always Superior, the axis the 3-D view orbits around. */
  up: Vec3
}

/** World Superior: the orbit axis, so dragging sideways turns the head like a turntable. */
export const orbitAxis: Vec3 = [0, 0, 1]

/** How far the views from above and below lean off the orbit axis: a camera exactly on it has no defined "up". */
const poleTilt = 1e-3

/**
 * The camera of a preset, `distance` mm from the target, with Superior as the up hint. For the views from
 * above and below, whose screen-up is Anterior, the camera leans `poleTilt` towards the side that makes the
 * projection of Superior on the screen point Anterior (posterior when above, anterior when below).
 */
export function presetCamera(id: ViewPreset, target: readonly number[], distance: number): CameraPose {
  const preset = viewPreset(id)
  const along = dot(preset.direction, orbitAxis)
  const direction = along === 0 ? preset.direction : normalize(add(preset.direction, scale(preset.up, -poleTilt * along)))
  return { position: add(target, scale(direction, distance)), target: [target[0]!, target[1]!, target[2]!], up: [...orbitAxis] }
}
