import { labelSurfaces, meshToBuffer, type SurfaceOptions } from '../imaging/mesh'
import type { Volume } from '../imaging/volume'
import { loadDisplayVolume, type DisplayOptions, type DisplayVolume } from './display-volume'

/** The heavy MRI work, done in a thread of its own (main/app/mri-worker.ts) so the core keeps answering. */
export type MriTask =
  | { task: 'open'; path: string; options: DisplayOptions }
  | { task: 'meshes'; volume: Volume; labels: number[]; options: SurfaceOptions }

export interface BuiltMesh {
  label: number
  vertices: number
  triangles: number
  /** meshToBuffer's layout (see main/api/mri.ts). */
  buffer: Uint8Array
}

export type MriTaskResult = { task: 'open'; volume: DisplayVolume } | { task: 'meshes'; meshes: BuiltMesh[] }

export type Progress = (fraction: number, stage: string) => void

export async function runMriTask(task: MriTask, progress: Progress, signal?: AbortSignal): Promise<MriTaskResult> {
  signal?.throwIfAborted()
  if (task.task === 'open') {
    progress(0, 'reading')
    return { task: 'open', volume: await loadDisplayVolume(task.path, task.options) }
  }
  const surfaces = await labelSurfaces(task.volume, task.labels, task.options, (done, total, label) => {
    // Thrown here, between two labels, the abort leaves labelSurfaces (in a worker the thread is ended instead).
    signal?.throwIfAborted()
    progress(done / total, `label ${label}`)
  })
  return {
    task: 'meshes',
    meshes: surfaces.map(({ label, mesh }) => ({ label, vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3, buffer: meshToBuffer(mesh) })),
  }
}

/** The arrays a result can hand over without copying. */
export function transferables(result: MriTaskResult): ArrayBuffer[] {
  if (result.task === 'open') {
    const buffers = new Set([result.volume.voxels.buffer as ArrayBuffer])
    if (result.volume.native) buffers.add(result.volume.native.data.buffer as ArrayBuffer)
    return [...buffers]
  }
  return result.meshes.map((m) => m.buffer.buffer as ArrayBuffer)
}
