import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { PerceptError } from './errors'

/** Who holds a workspace; `api` is how other processes reach it (absent when it takes no outside calls). */
export interface LockOwner {
  pid: number
  host: string
  door: string
  since: string
  api?: { url: string; token: string }
}

export function lockPathFor(home: string): string {
  return join(home, 'percept.lock')
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function readLockOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner
    return typeof owner.pid === 'number' ? owner : null
  } catch {
    return null
  }
}

/**
 * One app instance per workspace. The lock file is created exclusively; a lock left by a process
 * that has died (same host, pid gone) is taken over, so a crash never locks the user out.
 */
export class WorkspaceLock {
  private constructor(private readonly path: string) {}

  static acquire(home: string, door: string): WorkspaceLock {
    const path = lockPathFor(home)
    const me: LockOwner = { pid: process.pid, host: hostname(), door, since: new Date().toISOString() }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        // Owner-only: once the app advertises its API here, the file carries its access token.
        writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 })
        return new WorkspaceLock(path)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const owner = readLockOwner(path)
      const stale = owner === null ? false : owner.host === me.host && !isProcessAlive(owner.pid)
      if (owner && !stale) {
        throw new PerceptError(
          'WORKSPACE_LOCKED',
          `The workspace ${home} is already open in another Percept Workbench ` +
            `(${owner.door}, process ${owner.pid} on ${owner.host}, since ${owner.since}). ` +
            'Close that one first, or set PERCEPT_HOME to use a different workspace.',
          { owner },
        )
      }
      if (!owner && attempt === 0) {
        // Unreadable lock: another instance may be writing it this instant; look once more.
        continue
      }
      rmSync(path, { force: true })
    }
    throw new PerceptError(
      'WORKSPACE_LOCKED',
      `Could not take the lock ${path}. If no other Percept Workbench is running, delete that file and retry.`,
    )
  }

  release(): void {
    const owner = readLockOwner(this.path)
    if (owner?.pid === process.pid) rmSync(this.path, { force: true })
  }
}
