import { describe, expect, it } from 'vitest'
import { screenshotFileName } from '../../../../renderer/src/workspaces/mri/components/viewsScreenshot'
import { droppedPath, dropRefusal, isVolumeFileName, uploadVolume } from '../../../../renderer/src/workspaces/mri/lib/dropped-files'
import { viewVoxels } from '../../../../renderer/src/workspaces/mri/lib/voxels'

describe('dropped files', () => {
  it('knows volume names; opens a drop by its path, else uploads it (never half of a .hdr/.img pair)', () => {
    expect(['a.nii', 'B.NII.GZ', 'c.hdr', 'c.img', 'd.nii.gz.txt', 'e.gz', 'f.dcm'].map(isVolumeFileName)).toEqual([true, true, true, true, false, false, false])
    expect(droppedPath({ name: 't1.nii.gz', path: '/scans/t1.nii.gz' })).toBe('/scans/t1.nii.gz')
    expect(droppedPath({ name: 't1.nii.gz', path: '' })).toBeNull()
    expect(dropRefusal({ name: 't1.nii.gz', path: '/scans/t1.nii.gz' })).toBeNull()
    expect(dropRefusal({ name: 't1.nii.gz' })).toBeNull()
    expect(dropRefusal({ name: 't1.hdr' })).toMatch(/half of a \.hdr\/\.img pair/)
    expect(dropRefusal({ name: 't1.hdr', path: '/scans/t1.hdr' })).toBeNull()
    expect(dropRefusal({ name: 'notes.txt', path: '/notes.txt' })).toMatch(/not a NIfTI volume/)
  })

  it('uploads a dropped volume and answers where the core keeps it, or the core\'s message', async () => {
    const calls: { url: string; init: RequestInit }[] = []
    const answer = (status: number, body: string) => async (url: string, init: RequestInit) => {
      calls.push({ url, init })
      return new Response(body, { status })
    }
    const path = await uploadVolume(new Blob(['x']), 'my scan.nii.gz', answer(200, JSON.stringify({ path: '/w/datasets/uploads/a/my scan.nii.gz' })))
    expect(path).toBe('/w/datasets/uploads/a/my scan.nii.gz')
    expect(calls[0]!.url).toBe('res/mri/import?name=my%20scan.nii.gz')
    expect(calls[0]!.init.method).toBe('POST')
    await expect(uploadVolume(new Blob(['x']), 'a.txt', answer(400, '"a.txt" is not a NIfTI volume'))).rejects.toThrow(/not a NIfTI volume/)
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
