import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ModelCheckReport, ModelPackageSummary } from '../../../main/api'
import { toApiError, type ApiError } from '../api/client'
import { useApi } from '../api/inject'
import { useAppStore } from './app'

/** What a model's card shows after an action: a check report, an export's path, or an error. */
export type ModelOutcome =
  | { kind: 'check'; report: ModelCheckReport }
  | { kind: 'export'; path: string }
  | { kind: 'error'; action: string; error: ApiError }

export type ModelAction = 'check' | 'export' | 'delete'

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
  /** The last outcome per model id, shown on its card. */
  const outcomes = ref<Record<string, ModelOutcome>>({})

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

  function setOutcome(id: string, outcome: ModelOutcome | null): void {
    const next = { ...outcomes.value }
    if (outcome) next[id] = outcome
    else delete next[id]
    outcomes.value = next
  }

  async function runAction<T>(id: string, action: ModelAction, work: () => Promise<T>): Promise<T | null> {
    if (busy.value[id]) return null
    setBusy(id, action)
    setOutcome(id, null)
    try {
      return await work()
    } catch (error) {
      setOutcome(id, { kind: 'error', action, error: toApiError(error, `models.${action}`) })
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

  /** Runs the package once on a sample input; the report lands in `outcomes`. */
  async function check(id: string): Promise<void> {
    const report = await runAction(id, 'check', () => api.call('models.check', { id }))
    if (report) setOutcome(id, { kind: 'check', report })
  }

  /** Writes the package as a .zip into `folder`; the written path lands in `outcomes`. */
  async function exportTo(id: string, folder: string): Promise<void> {
    const written = await runAction(id, 'export', () => api.call('models.export', { id, path: folder }))
    if (written) setOutcome(id, { kind: 'export', path: written.path })
  }

  /** Removes an installed package (the page asks the user first). */
  async function remove(id: string): Promise<boolean> {
    const removed = await runAction(id, 'delete', () => api.call('models.delete', { id }))
    if (!removed) return false
    models.value = models.value.filter((model) => model.id !== id)
    setOutcome(id, null)
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

  return { models, loaded, cards, busy, outcomes, refresh, loadCard, importFrom, check, exportTo, remove, setOutcome, start, stop }
})
