import type { OpenSound, SpectrogramSettings } from '../../../../../main/api'
import { browserFetch, postFile, ResourceError, type FetchFn } from '../../../lib/resources'

export { codeForStatus, fetchBytes, isAbort, ResourceError, type FetchFn } from '../../../lib/resources'

/**
 * The core's binary resources for open sounds (see main/api/audio.ts). URLs are relative to the page,
 * so they work under app:// in Electron and behind `percept serve`, whose session cookie goes along.
 */

function soundPath(id: string): string {
  return `res/audio/${encodeURIComponent(id)}`
}

function query(params: Record<string, number | string>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&')
}

export function peaksUrl(id: string, start: number, end: number, buckets: number): string {
  return `${soundPath(id)}/peaks?${query({ start, end, buckets })}`
}

export function spectrogramUrl(id: string, start: number, end: number, columns: number, mels: number, settings?: SpectrogramSettings): string {
  const tuned: Record<string, number | string> = settings ? { fft: settings.fftSize, window: settings.window, axis: settings.axis, range: settings.rangeDb } : {}
  return `${soundPath(id)}/spectrogram?${query({ start, end, columns, mels, ...tuned })}`
}

export function importUrl(fileName: string): string {
  return `res/audio/import?name=${encodeURIComponent(fileName)}`
}

function isOpenSound(value: unknown): value is OpenSound {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  const info = record.info as Record<string, unknown> | null | undefined
  return (
    typeof record.id === 'string' &&
    typeof record.path === 'string' &&
    typeof record.name === 'string' &&
    typeof record.media === 'string' &&
    typeof info === 'object' &&
    info !== null &&
    typeof info.duration === 'number' &&
    typeof info.sampleRate === 'number' &&
    typeof info.frames === 'number' &&
    typeof info.channels === 'number'
  )
}

/**
 * Uploads a dropped file (a browser File has no path): the core stores it in the workspace and opens
 * it. Answers the opened sound; throws ResourceError with the core's message.
 */
export async function uploadSound(file: Blob, fileName: string, signal?: AbortSignal, fetchFn: FetchFn = browserFetch): Promise<OpenSound> {
  const value = await postFile(importUrl(fileName), file, fileName, signal, fetchFn)
  if (!isOpenSound(value)) throw new ResourceError(200, `The core answered the upload of ${fileName} with something that is not an opened sound.`)
  return value
}
