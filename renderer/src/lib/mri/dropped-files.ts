/**
 * Files dropped on the MRI page. The core opens volumes by path and has no upload for them, so a
 * dropped file can only be opened when the shell tells its path (older Electron puts it on File.path;
 * a browser never does). Otherwise the page explains how to open it instead.
 */

/** Whether a file name looks like a volume the core reads (.nii, .nii.gz, .hdr, .img). */
export function isVolumeFileName(name: string): boolean {
  return /\.(nii|nii\.gz|hdr|img)$/i.test(name)
}

/** The path of a dropped file, when the shell exposes one. */
export function droppedPath(file: { name: string } & { path?: unknown }): string | null {
  return typeof file.path === 'string' && file.path.length > 0 ? file.path : null
}

/** Why a dropped file was not opened, and what to do instead; null when it can be opened. */
export function dropRefusal(file: { name: string } & { path?: unknown }): string | null {
  if (!isVolumeFileName(file.name)) {
    return `${file.name} is not a NIfTI volume: drop a .nii, .nii.gz or .hdr/.img file, or use Open image… for a DICOM folder.`
  }
  if (droppedPath(file) === null) {
    return `${file.name} was dropped without its location on disk, which the workbench needs to read it: use Open image… or Open label map… and choose it there.`
  }
  return null
}
