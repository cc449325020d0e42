import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ellipsoidVolumeMm3, makePhantom, PHANTOM_MARKER, PHANTOM_SHELLS, type PhantomShell } from '../../../../main/imaging/fixtures/phantom'
import { writePhantomSet, type PhantomFile } from '../../../../main/imaging/fixtures/phantom-files'
import { readNifti, writeNifti } from '../../../../main/imaging/nifti'
import { reorient } from '../../../../main/imaging/reorient'
import { voxelToWorld, voxelVolumeMm3, type Vec3, type Volume } from '../../../../main/imaging/volume'

let dir = ''
let files: PhantomFile[] = []
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-phantom-volumes-'))
  files = await writePhantomSet(dir)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function insideShell(p: Vec3, shell: PhantomShell): boolean {
  const [a, b, c] = shell.semiAxesMm
  return (p[0] / a) ** 2 + (p[1] / b) ** 2 + (p[2] / c) ** 2 <= 1
}

/**
 * Voxels the ellipsoid's surface passes through: some of the voxel's 8 corners inside, some outside. Only
 * they can be counted wrongly by sampling at voxel centres, each by less than one voxel.
 */
function boundaryVoxels(volume: Volume, shell: PhantomShell): number {
  const [nx, ny, nz] = volume.dims
  let count = 0
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        let inside = 0
        for (let corner = 0; corner < 8; corner++) {
          const p = voxelToWorld(volume.affine, i + ((corner & 1) - 0.5), j + (((corner >> 1) & 1) - 0.5), k + (((corner >> 2) & 1) - 0.5))
          if (insideShell(p, shell)) inside++
        }
        if (inside > 0 && inside < 8) count++
      }
    }
  }
  return count
}

/**
 * The tolerance: a boundary voxel's error (its share inside minus its centre's verdict) is spread over
 * (-1/2, 1/2) of a voxel and varies from voxel to voxel along the curved surface; taken as independent and
 * uniform, the total has standard deviation v·sqrt(Nb / 12). We allow 4 of those: at 2 mm that is 5.6%
 * of the smallest ellipsoid (3.3 mL, 400 boundary voxels) and 0.65% of the largest (errors seen: up to 2.3 sd).
 */
function expectEllipsoidVolumes(volume: Volume, what: string): void {
  const voxelMm3 = voxelVolumeMm3(volume.affine)
  for (const shell of PHANTOM_SHELLS) {
    let voxels = 0
    for (let n = 0; n < volume.data.length; n++) {
      const label = volume.data[n]!
      if (label >= shell.label && label !== PHANTOM_MARKER.label) voxels++
    }
    const analytic = ellipsoidVolumeMm3(shell.semiAxesMm)
    const tolerance = 4 * voxelMm3 * Math.sqrt(boundaryVoxels(volume, shell) / 12)
    expect(Math.abs(voxels * voxelMm3 - analytic), `${what} ellipsoid ${shell.label}: ${voxels * voxelMm3} vs ${analytic} ± ${tolerance}`).toBeLessThanOrEqual(tolerance)
  }
}

describe('label volumes against 4/3·π·abc', () => {
  it('match in every stored label file', async () => {
    const labelFiles = files.filter((f) => f.kind === 'labels' && f.datatype !== 'rgb24')
    expect(labelFiles.length).toBeGreaterThanOrEqual(4)
    for (const f of labelFiles) expectEllipsoidVolumes((await readNifti(f.file)).volume, f.file)
  })

  it('match on finer and anisotropic grids, written and read back', async () => {
    const grids: { voxelMm: Vec3; dims: Vec3; code: string }[] = [
      { voxelMm: [1, 1, 1], dims: [80, 96, 72], code: 'LPS' },
      { voxelMm: [0.8, 1.2, 2.5], dims: [100, 80, 30], code: 'PSR' },
    ]
    for (const grid of grids) {
      const path = join(dir, `grid-${grid.code}.nii.gz`)
      await writeNifti(path, reorient(makePhantom({ kind: 'labels', voxelMm: grid.voxelMm, dims: grid.dims }), grid.code).volume)
      expectEllipsoidVolumes((await readNifti(path)).volume, grid.code)
    }
  })

  it('count the marker cube exactly: 3 x 3 x 3 voxels of 2 mm = 216 mm³', async () => {
    const { volume } = await readNifti(files.find((f) => f.file.endsWith('labels-lps-int16.nii'))!.file)
    const voxels = Array.from(volume.data).filter((v) => v === PHANTOM_MARKER.label).length
    expect(voxels * voxelVolumeMm3(volume.affine)).toBe((2 * PHANTOM_MARKER.halfSizeMm) ** 3)
  })
})
