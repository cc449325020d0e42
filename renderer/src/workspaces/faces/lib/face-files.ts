import { browserFetch, postFile, ResourceError, type FetchFn } from '../../../lib/resources'

/**
 * Images dropped on the Faces page. The core imports and identifies by path: a drop whose path the shell
 * tells is used there; otherwise (a browser never tells) the image is uploaded into the workspace first,
 * as the MRI page does with volumes.
 */

/** The extensions the file browser shows and the core reads. */
export const faceImageExtensions = ['png', 'jpg', 'jpeg'] as const

export function isFaceImageName(name: string): boolean {
  return /\.(png|jpe?g)$/i.test(name)
}

/** The path of a dropped file, when the shell exposes one. */
export function droppedPath(file: { name: string } & { path?: unknown }): string | null {
  return typeof file.path === 'string' && file.path.length > 0 ? file.path : null
}

/** Splits dropped files into images to use and the names refused, with one sentence saying why. */
export function sortDrop<F extends { name: string }>(files: readonly F[]): { images: F[]; refusal: string | null } {
  const images = files.filter((file) => isFaceImageName(file.name))
  const refused = files.filter((file) => !isFaceImageName(file.name)).map((file) => file.name)
  if (!refused.length) return { images, refusal: null }
  const names = refused.length > 3 ? `${refused.slice(0, 3).join(', ')} and ${refused.length - 3} more` : refused.join(', ')
  return { images, refusal: `${names} ${refused.length === 1 ? 'is not a' : 'are not'} PNG or JPEG image${refused.length === 1 ? '' : 's'}: faces are imported and identified from .png, .jpg or .jpeg files.` }
}

/** Uploads a dropped image (POST res/faces/upload) and answers the path the core stored it at. */
export async function uploadFaceImage(file: Blob, fileName: string, fetchFn: FetchFn = browserFetch): Promise<string> {
  const value = (await postFile(`res/faces/upload?name=${encodeURIComponent(fileName)}`, file, fileName, undefined, fetchFn)) as { path?: unknown } | null
  if (typeof value?.path !== 'string') throw new ResourceError(200, `The core answered the upload of ${fileName} without a path.`)
  return value.path
}

/** The path of each dropped image: its own where the shell tells it, else an upload's. */
export async function pathsOfDrop(files: readonly File[], fetchFn: FetchFn = browserFetch): Promise<string[]> {
  const paths: string[] = []
  for (const file of files) paths.push(droppedPath(file) ?? (await uploadFaceImage(file, file.name, fetchFn)))
  return paths
}
