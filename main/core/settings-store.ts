import { settingDefaults, settingSchemas, type SettingKey } from '../api'
import type { EventBus } from './event-bus'
import { PerceptError } from './errors'
import type { Workspace } from './workspace'

type SettingValue<K extends SettingKey> = (typeof settingDefaults)[K]

/** User settings kept in percept.db; every value is checked against its schema on the way in and out. */
export class SettingsStore {
  constructor(
    private readonly workspace: Workspace,
    private readonly bus: EventBus,
  ) {}

  get<K extends SettingKey>(key: K): SettingValue<K> {
    const row = this.workspace.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      | { value: string }
      | undefined
    if (!row) return settingDefaults[key]
    const parsed = settingSchemas[key].safeParse(JSON.parse(row.value))
    // A value stored by an older version that no longer fits falls back to the default.
    return (parsed.success ? parsed.data : settingDefaults[key]) as SettingValue<K>
  }

  set<K extends SettingKey>(key: K, value: unknown): SettingValue<K> {
    const parsed = settingSchemas[key].safeParse(value)
    if (!parsed.success) {
      throw new PerceptError(
        'VALIDATION',
        `"${String(value)}" is not a valid value for the setting ${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
        { issues: parsed.error.issues },
      )
    }
    this.workspace.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(parsed.data), new Date().toISOString())
    this.bus.emit('workspace.changed', { area: 'settings', key })
    return parsed.data as SettingValue<K>
  }
}
