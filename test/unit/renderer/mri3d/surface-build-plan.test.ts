import { describe, expect, it } from 'vitest'
import { batchSize, surfacePlan } from '../../../../renderer/src/workspaces/mri/lib/3d/surface-build-plan'

const entries = [
  { label: 1, voxels: 500 },
  { label: 2, voxels: 9000 },
  { label: 3, voxels: 0 }, // named in the colour table, absent from the volume
  { label: 4, voxels: 9000 },
  { label: 5, voxels: 20 },
  { label: 6, voxels: 7000 },
]

describe('which surfaces build by themselves', () => {
  it('takes the visible labels without a surface, largest first, ties by label, skipping absent ones', () => {
    expect(surfacePlan({ entries, hidden: new Set(), done: new Set(), cap: Infinity })).toEqual({ auto: [2, 4, 6, 1, 5], deferred: [] })
    expect(surfacePlan({ entries, hidden: new Set([4]), done: new Set([2]), cap: Infinity })).toEqual({ auto: [6, 1, 5], deferred: [] })
  })

  it('stops at the cap, counting the surfaces already built, and defers the smaller rest', () => {
    expect(surfacePlan({ entries, hidden: new Set(), done: new Set(), cap: 3 })).toEqual({ auto: [2, 4, 6], deferred: [1, 5] })
    expect(surfacePlan({ entries, hidden: new Set(), done: new Set([2, 4]), cap: 3 })).toEqual({ auto: [6], deferred: [1, 5] })
    expect(surfacePlan({ entries, hidden: new Set(), done: new Set([2, 4, 6, 1]), cap: 3 })).toEqual({ auto: [], deferred: [5] })
  })

  it('asks for 8, then 16, then 32 labels per batch', () => {
    expect([0, 1, 2, 3, 9].map(batchSize)).toEqual([8, 16, 32, 32, 32])
  })
})
