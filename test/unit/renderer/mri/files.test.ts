import { describe, expect, it } from 'vitest'
import { screenshotFileName } from '../../../../renderer/src/components/mri/viewsScreenshot'
import { droppedPath, dropRefusal, isVolumeFileName } from '../../../../renderer/src/lib/mri/dropped-files'
import { viewVoxels } from '../../../../renderer/src/lib/mri/voxels'

describe('dropped files', () => {
  it('knows volume names, and opens a drop only when the shell gives its path', () => {
    expect(['a.nii', 'B.NII.GZ', 'c.hdr', 'c.img', 'd.nii.gz.txt', 'e.gz', 'f.dcm'].map(isVolumeFileName)).toEqual([true, true, true, true, false, false, false])
    expect(droppedPath({ name: 't1.nii.gz', path: '/scans/t1.nii.gz' })).toBe('/scans/t1.nii.gz')
    expect(droppedPath({ name: 't1.nii.gz', path: '' })).toBeNull()
    expect(dropRefusal({ name: 't1.nii.gz', path: '/scans/t1.nii.gz' })).toBeNull()
    expect(dropRefusal({ name: 't1.nii.gz' })).toMatch(/use Open image… or Open label map…/)
    expect(dropRefusal({ name: 'notes.txt', path: '/notes.txt' })).toMatch(/not a NIfTI volume/)
  })

  it('names a screenshot after the volume', () => {
    expect(screenshotFileName('ch2better.nii.gz')).toBe('ch2better-views.png')
    expect(screenshotFileName('my scan (1).nii')).toBe('my_scan_1_-views.png')
    expect(screenshotFileName('.nii.gz')).toBe('mri-views.png')
  })
})

describe('voxel bytes', () => {
  it('views little-endian float32 or int32 bytes without copying, and refuses a wrong size', () => {
    const floats = Float32Array.of(1.5, -2, 3, 4, 5, 6)
    const image = viewVoxels(floats.buffer, [1, 2, 3], 'float32')
    expect(image).toBeInstanceOf(Float32Array)
    expect([...image]).toEqual([1.5, -2, 3, 4, 5, 6])
    expect(image.buffer).toBe(floats.buffer)
    const labels = viewVoxels(Int32Array.of(0, 7, 70000, 1, 2, 3).buffer, [3, 2, 1], 'int32')
    expect(labels).toBeInstanceOf(Int32Array)
    expect(labels[2]).toBe(70000)
    expect(() => viewVoxels(new ArrayBuffer(20), [1, 2, 3], 'float32', 't1.nii.gz')).toThrow(/t1\.nii\.gz came as 20 bytes; a 1 × 2 × 3 grid of float32 needs 24/)
  })
})
