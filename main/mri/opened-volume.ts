/** An open volume of the MRI service (service.ts), and how the API describes it. */
import type { LabelEntry, OpenVolume } from '../api'
import type { ColorTable } from '../imaging/labels'
import type { DisplayVolume } from './display-volume'
import type { BuiltMesh } from './worker-tasks'

export interface OpenedVolume {
  id: string
  path: string
  name: string
  display: DisplayVolume
  meshes: Map<number, BuiltMesh>
  /** The smoothing and reduction the cached meshes were built with. */
  meshSettings: string | null
  /** One per mri.meshes call still building: aborting it ends the worker (mri.cancelMeshes, mri.close). */
  builds: Set<AbortController>
  lastUsed: number
  /** Images: the segmentation running on it (mri.cancelSegment, mri.close abort it). */
  segmenting?: AbortController
  /** Label maps made by mri.segment: the confidence map, the colour table and the model, until saved. */
  segmentation?: { confidence: { native: Float32Array; display: Float32Array }; table: ColorTable; modelId: string }
}

/** The API's view of an open volume. */
export function describe(volume: OpenedVolume): OpenVolume {
  const d = volume.display
  const labels: LabelEntry[] | undefined = d.labels
  return {
    id: volume.id,
    path: volume.path,
    name: volume.name,
    kind: d.kind,
    info: d.info,
    display: {
      dims: [...d.dims],
      affine: [...d.affine],
      toNative: { axes: [...d.toNative.axes], flip: [...d.toNative.flip] },
      voxels: `res/mri/${volume.id}/voxels`,
      voxelType: d.voxels instanceof Int32Array ? 'int32' : 'float32',
      window: d.window,
    },
    ...(labels ? { labels } : {}),
  }
}
