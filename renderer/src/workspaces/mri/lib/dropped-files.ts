import { browserFetch, postFile, ResourceError, type FetchFn } from '../../../lib/resources'

/**
 * Files dropped on the MRI page. The core opens volumes by path: a drop whose path the shell tells is
 * opened there; otherwise (a browser never tells) the file is uploaded into the workspace first.
 */

/** Whether a file name looks like a volume the core reads (.nii, .nii.gz, .hdr, .img). */
export function isVolumeFileName(name: string): boolean {
  return /\.(nii|nii\.gz|hdr|img)$/i.test(name)
}

/** The path of a dropped file, when the shell exposes one. */
export function droppedPath(file: { name: string } & { path?: unknown }): string | null {
  return typeof file.path === 'string' && file.path.length > 0 ? file.path : null
}

/** Why a dropped file cannot be opened, and what to do instead; null when it can be. */
export function dropRefusal(file: { name: string } & { path?: unknown }): string | null {
  if (!isVolumeFileName(file.name)) {
    return `${file.name} is not a NIfTI volume: drop a .nii or .nii.gz file, or use Open image… for a DICOM folder.`
  }
  if (droppedPath(file) === null && /\.(hdr|img)$/i.test(file.name)) {
    return `${file.name} is half of a .hdr/.img pair, which cannot be uploaded alone: use Open image… or Open label map… and choose it there.`
  }
  return null
}

/** Uploads a dropped volume (POST res/mri/import) and answers the path the core stored it at. */
export async function uploadVolume(file: Blob, fileName: string, fetchFn: FetchFn = browserFetch): Promise<string> {
  const value = (await postFile(`res/mri/import?name=${encodeURIComponent(fileName)}`, file, fileName, undefined, fetchFn)) as { path?: unknown } | null
  if (typeof value?.path !== 'string') throw new ResourceError(200, `The core answered the upload of ${fileName} without a path.`)
  return value.path
}
