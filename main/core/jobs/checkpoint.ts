import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory } from '../atomic-file'
import { PerceptError } from '../errors'
import type { Checkpoint, CheckpointState } from './kind'

/**
 * A job's checkpoints live in runs/<jobId>/checkpoints/ckpt-<n>/: state.json plus the kind's files.
 * A checkpoint is written whole into a hidden temporary folder and only then renamed to the next
 * ckpt-<n>, so every ckpt-<n> folder is complete; the previous one is removed after the rename.
 * A crash at any instant leaves the last complete checkpoint readable.
 */

const manifestName = 'state.json'
const folderPattern = /^ckpt-(\d+)$/
const fileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

interface Manifest {
  state: CheckpointState
  files: string[]
}

export function checkpointsDir(runDir: string): string {
  return join(runDir, 'checkpoints')
}

function completeFolders(dir: string, names: string[]): { n: number; path: string }[] {
  return names
    .map((name) => folderPattern.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ n: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => b.n - a.n)
}


async function writeDurable(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function checkState(state: CheckpointState): void {
  if (!Number.isInteger(state.epoch) || state.epoch < 0) {
    throw new PerceptError('VALIDATION', `A checkpoint's state needs a whole epoch number >= 0 (got ${String(state.epoch)}).`)
  }
}

/**
 * Saves a checkpoint. `beforeCommit` runs once every byte is on disk and before the rename that makes
 * the checkpoint current (the worker uses it to wait until the runner has stored the metrics before it).
 */
export async function saveCheckpoint(
  runDir: string,
  state: CheckpointState,
  files: Record<string, Uint8Array> = {},
  beforeCommit: () => Promise<void> = async () => {},
): Promise<string> {
  checkState(state)
  for (const name of Object.keys(files)) {
    if (!fileNamePattern.test(name) || name === manifestName) {
      throw new PerceptError('VALIDATION', `"${name}" cannot be a checkpoint file name: use letters, digits, ".", "_" and "-", and not ${manifestName}.`)
    }
  }
  const dir = checkpointsDir(runDir)
  await mkdir(dir, { recursive: true })
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
  await mkdir(temp)
  try {
    for (const [name, data] of Object.entries(files)) await writeDurable(join(temp, name), data)
    const manifest: Manifest = { state, files: Object.keys(files) }
    await writeDurable(join(temp, manifestName), JSON.stringify(manifest))
    syncDirectory(temp)
    await beforeCommit()
    const existing = completeFolders(dir, await readdir(dir))
    const target = join(dir, `ckpt-${String((existing[0]?.n ?? 0) + 1).padStart(6, '0')}`)
    await rename(temp, target)
    syncDirectory(dir)
    // The new checkpoint is durable; older ones and leftovers of interrupted saves can go.
    for (const old of existing) await rm(old.path, { recursive: true, force: true })
    return target
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
}

function readManifest(path: string): Manifest | null {
  try {
    const manifest = JSON.parse(readFileSync(join(path, manifestName), 'utf8')) as Manifest
    return typeof manifest.state?.epoch === 'number' && Array.isArray(manifest.files) ? manifest : null
  } catch {
    return null
  }
}

function listFolders(runDir: string): { n: number; path: string }[] {
  const dir = checkpointsDir(runDir)
  try {
    return completeFolders(dir, readdirSync(dir))
  } catch {
    return []
  }
}

/** The state of the last complete checkpoint, read synchronously (the runner uses it before a resume). */
export function peekCheckpoint(runDir: string): CheckpointState | null {
  for (const folder of listFolders(runDir)) {
    const manifest = readManifest(folder.path)
    if (manifest) return manifest.state
  }
  return null
}

/** The last complete checkpoint with its files, or null. Leftover temporary folders are removed. */
export async function loadCheckpoint(runDir: string): Promise<Checkpoint | null> {
  const dir = checkpointsDir(runDir)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return null
  }
  for (const name of names) if (name.startsWith('.tmp-')) await rm(join(dir, name), { recursive: true, force: true })
  for (const folder of completeFolders(dir, names)) {
    const manifest = readManifest(folder.path)
    if (!manifest) continue
    const files: Record<string, Uint8Array> = {}
    for (const file of manifest.files) files[file] = new Uint8Array(await readFile(join(folder.path, file)))
    return { state: manifest.state, files }
  }
  return null
}
