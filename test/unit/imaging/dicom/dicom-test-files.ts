import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import dcmjs from 'dcmjs'
import { expect } from 'vitest'

/** Test helpers: temporary folders, and a file's tags read straight with dcmjs (not through our reader). */

const folders: string[] = []

export async function tempFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'percept-dicom-'))
  folders.push(dir)
  return dir
}

export async function removeTempFolders(): Promise<void> {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
}

export function readTags(path: string): Record<string, unknown> {
  const bytes = readFileSync(path)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(buffer).dict)
}

/** The slice's stored pixel values as the file holds them (before any rescale). */
export function rawPixels(path: string, type: 'int16' | 'uint16'): Int16Array | Uint16Array {
  const data = readTags(path).PixelData as ArrayBuffer[]
  return type === 'int16' ? new Int16Array(data[0]!) : new Uint16Array(data[0]!)
}

export type Vec = [number, number, number]

/** LPS (DICOM patient) to RAS+ (NIfTI world): x and y change sign. */
export const lpsToRas = ([x, y, z]: Vec): Vec => [-x, -y, z]

export function expectCloseVec(actual: readonly number[], expected: readonly number[], digits = 4): void {
  expect(actual.length).toBe(expected.length)
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, digits))
}
