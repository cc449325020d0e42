import { describe, expect, it } from 'vitest'
import { dragModeFor, sliceStepForKey, wheelSlices, wheelZoomFactor } from '../../../../renderer/src/workspaces/mri/lib/controls'
import { LabelPalette } from '../../../../renderer/src/workspaces/mri/lib/label-palette'
import { LabelSampler } from '../../../../renderer/src/workspaces/mri/lib/label-sampler'
import { formatIndex, formatIntensity, formatMm, readoutAt } from '../../../../renderer/src/workspaces/mri/lib/readout'

describe('the readout', () => {
  // A 2 x 3 x 4 display grid of 2 mm voxels, stored natively flipped along x (an "LAS" file).
  const dims = [2, 3, 4] as const
  const grid = {
    dims,
    affine: [2, 0, 0, -10, 0, 2, 0, 20, 0, 0, 2, 30, 0, 0, 0, 1],
    toNative: { axes: [0, 1, 2] as [number, number, number], flip: [true, false, false] as [boolean, boolean, boolean] },
  }
  const image = Float32Array.from({ length: 24 }, (_, i) => i * 1.5)
  const labels = Int32Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 0 : 7))
  const sampler = new LabelSampler(grid, grid, labels)
  const palette = LabelPalette.from([{ label: 7, name: 'Hippocampus_L', color: [1, 2, 3] }])

  it('gives native index, world mm of the voxel centre, intensity and label name', () => {
    const readout = readoutAt([1, 2, 3], { grid, image, labels: { sampler, palette } })
    expect(readout.display).toEqual([1, 2, 3])
    expect(readout.native).toEqual([0, 2, 3])
    expect(readout.world).toEqual([-8, 24, 36])
    // Voxel offset 1 + 2 * (2 + 3 * 3) = 23.
    expect(readout.intensity).toBe(34.5)
    expect(readout.label).toBe(7)
    expect(readout.labelName).toBe('Hippocampus_L')
    const background = readoutAt([0, 0, 0], { grid, image: null, labels: { sampler, palette } })
    expect(background).toMatchObject({ intensity: null, label: 0, labelName: null })
    expect(readoutAt([0, 0, 0], { grid, image, labels: null })).toMatchObject({ label: null, labelName: null })
  })

  it('formats indices, millimetres and intensities for people', () => {
    expect(formatIndex([1, 2, 3])).toBe('1, 2, 3')
    expect(formatMm([-8, 24.25, 0.01])).toBe('−8.0, 24.3, 0.0')
    expect(formatIntensity(1234)).toBe('1234')
    expect(formatIntensity(-3)).toBe('−3')
    expect(formatIntensity(123.456)).toBe('123.5')
    expect(formatIntensity(90.5)).toBe('90.5')
    expect(formatIntensity(-0.25)).toBe('−0.25')
    expect(formatIntensity(0.012346)).toBe('0.01235')
    expect(formatIntensity(2.5e6 + 0.5)).toBe('2.500e+6')
    expect(formatIntensity(null)).toBe('—')
  })
})

describe('the controls', () => {
  const press = (button: number, keys: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) =>
    dragModeFor({ button, shiftKey: false, ctrlKey: false, metaKey: false, ...keys })

  it('left places the crosshair, right sets window/level, middle or Shift+left pans', () => {
    expect(press(0)).toBe('crosshair')
    expect(press(2)).toBe('window')
    expect(press(0, { ctrlKey: true })).toBe('window')
    expect(press(1)).toBe('pan')
    expect(press(0, { shiftKey: true })).toBe('pan')
    expect(press(3)).toBeNull()
  })

  it('arrows move one slice, Page Up/Down ten', () => {
    expect(['ArrowUp', 'ArrowRight', 'ArrowDown', 'ArrowLeft', 'PageUp', 'PageDown', 'a'].map(sliceStepForKey)).toEqual([1, 1, -1, -1, 10, -10, null])
  })

  it('a wheel notch moves one slice (up: next), trackpad deltas add up', () => {
    expect(wheelSlices(0, -100, 0)).toEqual({ steps: 1, rest: 0 })
    expect(wheelSlices(0, 120, 0)).toEqual({ steps: -1, rest: 0 })
    expect(wheelSlices(0, 3, 1)).toEqual({ steps: -1, rest: 0 })
    let state = { steps: 0, rest: 0 }
    let total = 0
    for (let i = 0; i < 10; i++) {
      state = wheelSlices(state.rest, -10, 0)
      total += state.steps
    }
    // 100 px of small deltas: three slices (30 px each), 10 px left over.
    expect(total).toBe(3)
    expect(state.rest).toBe(-10)
  })

  it('Ctrl+wheel zooms by 1.25 per notch', () => {
    expect(wheelZoomFactor(-100, 0)).toBeCloseTo(1.25, 12)
    expect(wheelZoomFactor(100, 0)).toBeCloseTo(0.8, 12)
    expect(wheelZoomFactor(0, 0)).toBe(1)
  })
})
