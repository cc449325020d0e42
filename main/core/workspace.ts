import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PerceptError } from './errors'
import { migrate } from './migrations'
import { workspaceFolders, type WorkspaceFolder } from './workspace-home'
import { WorkspaceLock } from './workspace-lock'

export interface WorkspaceOptions {
  home: string
  /** Which door opened it; shown to a second instance that finds it locked. */
  door: string
  /** Path to a better-sqlite3 addon built for another runtime (Electron in development). */
  sqliteBinding?: string
}

/** The user's folder of data: percept.db plus datasets, models, runs and cache, held by one instance at a time. */
export class Workspace {
  readonly db: Database.Database
  readonly schemaVersion: number
  private closed = false

  private constructor(
    readonly home: string,
    private readonly lock: WorkspaceLock,
    db: Database.Database,
  ) {
    this.db = db
    this.schemaVersion = migrate(db)
  }

  static open(options: WorkspaceOptions): Workspace {
    const { home } = options
    try {
      mkdirSync(home, { recursive: true })
      for (const folder of workspaceFolders) mkdirSync(join(home, folder), { recursive: true })
    } catch (error) {
      throw new PerceptError(
        'WORKSPACE_INVALID',
        `Cannot create the workspace at ${home}: ${(error as Error).message}. ` +
          'Check that the folder is writable, or set PERCEPT_HOME to another folder.',
      )
    }
    const lock = WorkspaceLock.acquire(home, options.door)
    let db: Database.Database | undefined
    try {
      db = new Database(join(home, 'percept.db'), options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {})
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      return new Workspace(home, lock, db)
    } catch (error) {
      db?.close()
      lock.release()
      if (error instanceof PerceptError) throw error
      throw new PerceptError(
        'WORKSPACE_INVALID',
        `Cannot open ${join(home, 'percept.db')}: ${(error as Error).message}. ` +
          'If the file is damaged, move it aside and restart to begin with an empty workspace.',
      )
    }
  }

  folder(name: WorkspaceFolder): string {
    return join(this.home, name)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)')
      this.db.close()
    } finally {
      this.lock.release()
    }
  }
}
