import type Database from 'better-sqlite3'
import { PerceptError } from './errors'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Append only: a released migration is never edited, a change is a new version. */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'settings and jobs',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued','running','done','failed','cancelled','interrupted')),
        input TEXT NOT NULL,
        fraction REAL NOT NULL DEFAULT 0,
        stage TEXT NOT NULL DEFAULT '',
        eta_seconds REAL,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_state ON jobs(state);
    `,
  },
]

export const latestSchemaVersion = migrations[migrations.length - 1]!.version

/** Brings the database to the latest version, each step in its own transaction, tracked by user_version. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number
  const latest = list.length ? list[list.length - 1]!.version : 0
  if (current > latest) {
    throw new PerceptError(
      'WORKSPACE_INVALID',
      `This workspace was written by a newer Percept Workbench (schema ${current}, this app knows ${latest}). ` +
        'Update the app, or set PERCEPT_HOME to use another workspace.',
    )
  }
  for (const migration of list) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return db.pragma('user_version', { simple: true }) as number
}
