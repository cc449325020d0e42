import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { EditorTabState, SoundEditorState } from '../../../../../main/api'
import { toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { restoredTab, savedState, type TabVersion } from '../lib/editor-tabs'
import { useAppStore } from '../../../stores/app'
import { useSoundClassificationStore } from './sound-classification'
import { useSoundEditorStore } from './sound-editor'
import { useSpectrogramSettingsStore } from './spectrogram-settings'

/** How long edits settle before the state is written: a drag writes once, not per pointer move. */
export const saveDelayMs = 300

/**
 * Keeps the Sound editor's tabs in the workspace (audio.editor.save) and brings them back when the
 * page first opens in this window (audio.editor.get): each saved sound is reopened by path (its old
 * handle is reused while the core still has it open), with its versions, regions, view and results.
 * A sound that can no longer be opened is left out and said so; so is a damaged state file.
 */
export const useSoundEditorSessionStore = defineStore('soundEditorSession', () => {
  const api = useApi()
  const app = useAppStore()
  const editor = useSoundEditorStore()
  const classification = useSoundClassificationStore()
  const spectrogram = useSpectrogramSettingsStore()

  const phase = ref<'idle' | 'restoring' | 'ready'>('idle')
  /** Why something saved did not come back, or null. */
  const warning = ref<string | null>(null)
  /** A save is scheduled or under way. */
  const saving = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  let writing: Promise<void> = Promise.resolve()
  let reported = false

  async function reopenTab(saved: EditorTabState): Promise<{ versions: Array<TabVersion | null>; failures: string[] }> {
    const failures: string[] = []
    const versions = await Promise.all(
      saved.versions.map(async (version, index): Promise<TabVersion | null> => {
        try {
          const opened = await api.call('audio.open', { path: version.path, ...(version.id ? { reuse: version.id } : {}) })
          return { ...opened, key: `${saved.key}-v${index}` }
        } catch (error) {
          failures.push(`${version.name} could not be reopened: ${toApiError(error, 'audio.open').message}`)
          return null
        }
      }),
    )
    return { versions, failures }
  }

  async function rebuild(saved: SoundEditorState): Promise<string[]> {
    const failures: string[] = []
    // The tab that was shown comes back first; the others keep their order around it.
    const order = saved.tabs.map((_, index) => index).sort((a, b) => Number(saved.tabs[b]!.key === saved.activeKey) - Number(saved.tabs[a]!.key === saved.activeKey))
    const placed: number[] = []
    for (const index of order) {
      const entry = saved.tabs[index]!
      if (editor.tabs.some((tab) => tab.key === entry.key)) continue
      const { versions, failures: lost } = await reopenTab(entry)
      failures.push(...lost)
      const tab = restoredTab(entry, versions)
      if (!tab) continue
      entry.versions.forEach((version, i) => {
        const opened = versions[i]
        if (opened && version.classification) classification.keep(opened.key, version.classification)
      })
      const position = placed.filter((other) => other < index).length
      placed.push(index)
      // A sound the user opened meanwhile stays in front.
      editor.addTab(tab, position, editor.activeKey === null)
    }
    return failures
  }

  /** Brings the saved tabs back, once per window; saving starts when it is done. */
  async function restore(): Promise<void> {
    if (phase.value !== 'idle') return
    phase.value = 'restoring'
    try {
      const answer = await api.call('audio.editor.get', {})
      const lines = answer.warning ? [answer.warning] : []
      if (answer.state?.spectrogram) spectrogram.settings = answer.state.spectrogram
      if (answer.state) lines.push(...(await rebuild(answer.state)))
      warning.value = lines.length ? lines.join(' ') : null
    } catch (error) {
      app.report(error, 'audio.editor.get')
    } finally {
      phase.value = 'ready'
      schedule()
    }
  }

  function stateNow(): SoundEditorState {
    const state = savedState(editor.tabs, editor.activeKey, (version) => classification.results[version.key] ?? null)
    return { ...state, spectrogram: spectrogram.settings }
  }

  async function flush(): Promise<void> {
    timer = null
    const state = stateNow()
    writing = writing.then(async () => {
      try {
        await api.call('audio.editor.save', { state })
        reported = false
      } catch (error) {
        // Once per run of failures: every edit would otherwise raise the banner again.
        if (!reported) app.report(error, 'audio.editor.save')
        reported = true
      }
    })
    await writing
    if (timer === null) saving.value = false
  }

  function schedule(): void {
    if (phase.value !== 'ready') return
    saving.value = true
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => void flush(), saveDelayMs)
  }

  /** Writes now what is waiting (tests, and a page about to go). */
  async function saveNow(): Promise<void> {
    if (timer === null) return writing
    clearTimeout(timer)
    await flush()
  }

  watch([() => editor.tabs, () => editor.activeKey, () => classification.results, () => spectrogram.settings], schedule)

  // An edit in the last moments before the page goes (a reload, a closed tab) is still written: hiding
  // the page writes at once, and the page going away sends what is still waiting in a way that outlives it.
  if (typeof window !== 'undefined') {
    window.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void saveNow()
    })
    window.addEventListener('pagehide', () => {
      if (timer === null) return
      clearTimeout(timer)
      timer = null
      api.callBeforeUnload('audio.editor.save', { state: stateNow() })
    })
  }

  return { phase, warning, saving, restore, saveNow }
})
