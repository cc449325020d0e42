import { hostname } from 'node:os'
import { writeFileAtomicSync } from '../core/atomic-file'
import { isProcessAlive, lockPathFor, readLockOwner, type LockOwner } from '../core/workspace-lock'

/**
 * How a second process reaches the app that holds a workspace. The running app (a door with an HTTP
 * API: `percept serve`) writes its loopback address and access token into the workspace's lock file,
 * which only this user can read; `percept jobs ...` finds them there and calls the app instead of
 * opening the locked workspace itself.
 */
export type InstanceEndpoint = NonNullable<LockOwner['api']>
export type RunningInstance = LockOwner

/** The live app holding the workspace at home, or null when none does (no lock, or its process has died). */
export function findRunningInstance(home: string): RunningInstance | null {
  const owner = readLockOwner(lockPathFor(home))
  if (!owner) return null
  if (owner.host === hostname() && !isProcessAlive(owner.pid)) return null
  return owner
}

/** Loopback URL to reach a server listening on host:port from this machine. */
export function loopbackUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `http://127.0.0.1:${port}`
  if (host === '::') return `http://[::1]:${port}`
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`
}

/**
 * Records this process's API address and token in the lock it holds. The file is replaced atomically
 * and readable by its owner only (mode 0600), since the token grants full use of the app.
 */
export function advertiseEndpoint(home: string, server: { host: string; port: number; token: string }): void {
  const owner = readLockOwner(lockPathFor(home))
  if (!owner || owner.pid !== process.pid) {
    throw new Error(`advertiseEndpoint: this process (${process.pid}) does not hold the lock of ${home}.`)
  }
  const next: LockOwner = { ...owner, api: { url: loopbackUrl(server.host, server.port), token: server.token } }
  writeFileAtomicSync(lockPathFor(home), JSON.stringify(next), 0o600)
}
