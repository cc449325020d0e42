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
  {
    version: 2,
    name: 'job results, logs and metrics',
    sql: `
      ALTER TABLE jobs ADD COLUMN result TEXT;
      ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN queued_at TEXT;
      ALTER TABLE jobs ADD COLUMN started_at TEXT;
      ALTER TABLE jobs ADD COLUMN finished_at TEXT;
      CREATE TABLE job_logs (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        time TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('debug','info','warn','error')),
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) WITHOUT ROWID;
      -- One row per (job, metric, scope, index): index is the step for per-step points and the epoch
      -- for per-epoch points, so a resumed run can never store the same epoch twice.
      CREATE TABLE job_metrics (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('step','epoch')),
        idx INTEGER NOT NULL,
        epoch INTEGER,
        step INTEGER,
        value REAL,
        time TEXT NOT NULL,
        PRIMARY KEY (job_id, name, scope, idx)
      ) WITHOUT ROWID;
      CREATE INDEX job_metrics_epoch ON job_metrics(job_id, epoch);
    `,
  },
  {
    version: 3,
    name: 'job titles',
    // The name a person knows a run by ("dilated · held-out fold 1"), set by its kind when it is queued.
    sql: `ALTER TABLE jobs ADD COLUMN title TEXT;`,
  },
  {
    version: 4,
    name: 'face gallery',
    // A merged person stays as a tombstone (merged_into set) so the merge can be undone; photos moved by a
    // merge remember where they came from in merged_from. Deleting a person sends its photos to the inbox.
    sql: `
      CREATE TABLE face_people (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        merged_into TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX face_people_live_name ON face_people(name COLLATE NOCASE) WHERE merged_into IS NULL;
      CREATE TABLE face_photos (
        id TEXT PRIMARY KEY,
        person_id TEXT REFERENCES face_people(id) ON DELETE SET NULL,
        merged_from TEXT,
        file TEXT NOT NULL,
        crop_file TEXT NOT NULL,
        source_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        crop_sha256 TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        box TEXT,
        crop_height INTEGER NOT NULL,
        crop_width INTEGER NOT NULL,
        added_at TEXT NOT NULL
      );
      CREATE INDEX face_photos_person ON face_photos(person_id);
      CREATE INDEX face_photos_sha ON face_photos(sha256);
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
