import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ModelCheckReport, ModelPackageSummary } from '../../../../../main/api'
import { toApiError, type ApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { successMillis } from '../../../lib/transient'
import { useAppStore } from '../../../stores/app'

export type ModelAction = 'check' | 'export' | 'delete'

/** An action on a model that the core refused or that failed. */
export interface ModelFailure {
  action: ModelAction
  error: ApiError
}

/** The installed model packages (models.list), their cards, and the actions on them. */
export const useModelsStore = defineStore('models', () => {
  const api = useApi()
  const app = useAppStore()
  const models = shallowRef<ModelPackageSummary[]>([])
  const loaded = ref(false)
  /** card.md per model id, once models.get has answered. */
  const cards = ref<Record<string, string>>({})
  /** The action under way per model id. */
  const busy = ref<Record<string, ModelAction>>({})
  /** The last check report per model id. */
  const checks = ref<Record<string, ModelCheckReport>>({})
  /** Where each model was last exported to. */
  const exported = ref<Record<string, string>>({})
  /** The last failed action per model id (cleared when the next action starts). */
  const failures = ref<Record<string, ModelFailure>>({})

  let request = 0
  let cleanup: Array<() => void> = []

  async function refresh(): Promise<void> {
    const mine = ++request
    try {
      const list = await api.call('models.list')
      if (mine !== request) return
      models.value = list
      loaded.value = true
      // Forget cards of packages that are gone or may have been replaced.
      const ids = new Set(list.map((model) => model.id))
      cards.value = Object.fromEntries(Object.entries(cards.value).filter(([id]) => ids.has(id)))
    } catch (error) {
      if (mine === request) app.report(error, 'models.list')
    }
  }

  async function loadCard(id: string): Promise<void> {
    if (cards.value[id] !== undefined) return
    try {
      const model = await api.call('models.get', { id })
      cards.value = { ...cards.value, [id]: model.card }
    } catch (error) {
      app.report(error, 'models.get')
    }
  }

  function setBusy(id: string, action: ModelAction | null): void {
    const next = { ...busy.value }
    if (action) next[id] = action
    else delete next[id]
    busy.value = next
  }

  /** A copy of `record` with `id` set to `value`, or without `id` when value is undefined. */
  function withEntry<T>(record: Record<string, T>, id: string, value: T | undefined): Record<string, T> {
    const next = { ...record }
    if (value === undefined) delete next[id]
    else next[id] = value
    return next
  }

  async function runAction<T>(id: string, action: ModelAction, work: () => Promise<T>): Promise<T | null> {
    if (busy.value[id]) return null
    setBusy(id, action)
    failures.value = withEntry(failures.value, id, undefined)
    try {
      return await work()
    } catch (error) {
      failures.value = withEntry(failures.value, id, { action, error: toApiError(error, `models.${action}`) })
      return null
    } finally {
      setBusy(id, null)
    }
  }

  /** Installs a package from a folder or .zip; throws the core's error (the import dialog shows it). */
  async function importFrom(path: string): Promise<ModelPackageSummary> {
    const summary = await api.call('models.import', { path })
    await refresh()
    return summary
  }

  /** Runs the package once on a sample input; the report lands in `checks`. */
  async function check(id: string): Promise<void> {
    checks.value = withEntry(checks.value, id, undefined)
    const report = await runAction(id, 'check', () => api.call('models.check', { id }))
    if (report) checks.value = withEntry(checks.value, id, report)
  }

  /** Writes the package as a .zip into `folder`; the written path lands in `exported`. */
  async function exportTo(id: string, folder: string): Promise<void> {
    const written = await runAction(id, 'export', () => api.call('models.export', { id, path: folder }))
    if (!written) return
    exported.value = withEntry(exported.value, id, written.path)
    // A success notice goes once read (see lib/transient), unless a later export replaced it.
    setTimeout(() => {
      if (exported.value[id] === written.path) exported.value = withEntry(exported.value, id, undefined)
    }, successMillis)
  }

  /** Removes an installed package (the page asks the user first). */
  async function remove(id: string): Promise<boolean> {
    const removed = await runAction(id, 'delete', () => api.call('models.delete', { id }))
    if (!removed) return false
    models.value = models.value.filter((model) => model.id !== id)
    checks.value = withEntry(checks.value, id, undefined)
    exported.value = withEntry(exported.value, id, undefined)
    await refresh()
    return true
  }

  /** Loads the list and follows workspace changes to the models folder; undo with stop(). */
  function start(): void {
    if (cleanup.length) return
    cleanup = [
      api.on('workspace.changed', (change) => {
        if (change.area === 'models') void refresh()
      }),
      // A training run that finishes may have installed the model it trained.
      api.on('job.progress', (job) => {
        if (job.state === 'done') void refresh()
      }),
    ]
    void refresh()
  }

  function stop(): void {
    for (const undo of cleanup) undo()
    cleanup = []
  }

  return { models, loaded, cards, busy, checks, exported, failures, refresh, loadCard, importFrom, check, exportTo, remove, start, stop }
})
