import { ApiError } from '../../../api/client'
import { codeForStatus, ResourceError } from '../../../lib/resources'
import { useAppStore } from '../../../stores/app'
import { droppedPath, dropRefusal, uploadVolume } from '../lib/dropped-files'
import { useMriViewerStore, type MriVolumeKind } from '../stores/mri-viewer'

/**
 * Opens the first file dropped on the MRI page as an image or a label map: at its path when the shell
 * tells it, else uploaded into the workspace first (a browser never tells). A file that cannot be a
 * volume, or an upload that fails, is reported instead.
 */
export function useVolumeDrop(): (files: File[], kind: MriVolumeKind) => Promise<void> {
  const store = useMriViewerStore()
  const app = useAppStore()

  return async function onDrop(files: File[], kind: MriVolumeKind): Promise<void> {
    const [first] = files
    if (!first) return
    const refusal = dropRefusal(first)
    if (refusal) return app.report(new ApiError('VALIDATION', refusal, 'mri.open'))
    let path = droppedPath(first)
    if (!path) {
      try {
        path = await uploadVolume(first, first.name)
      } catch (error) {
        const status = error instanceof ResourceError ? error.status : 500
        return app.report(new ApiError(codeForStatus(status), error instanceof Error ? error.message : String(error), 'mri.open'))
      }
    }
    await store.open(path, kind)
  }
}
