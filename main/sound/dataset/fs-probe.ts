import { stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PerceptError } from '../../core/errors'

/** Follows links; false for anything missing or unreadable. */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false)
}

export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false)
}

/** `<root>/audio`, or NOT_FOUND when the metadata came without it (a partly extracted archive). */
export async function requireAudioFolder(root: string, what: string, csvPath: string): Promise<string> {
  const audio = join(root, 'audio')
  if (await isDirectory(audio)) return audio
  throw new PerceptError(
    'NOT_FOUND',
    `${csvPath} is ${what} metadata, but its audio folder ${audio} does not exist. ` +
      `Extract the whole ${what} archive so that audio sits beside the ${basename(dirname(csvPath))} folder.`,
  )
}
