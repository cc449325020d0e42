import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { Theme } from '../../../main/api'
import { useApi } from '../api/inject'
import { isThemePreference, nextThemePreference, resolveTheme, type ThemeEnvironment } from '../lib/theme'
import { useAppStore } from './app'

/**
 * The theme preference (stored in the workspace setting `theme`) and what it resolves to against the
 * system's colour scheme, which it follows live.
 */
export const useThemeStore = defineStore('theme', () => {
  const api = useApi()
  const app = useAppStore()
  const preference = ref<Theme>('system')
  const systemPrefersDark = ref(false)
  const resolved = computed(() => resolveTheme(preference.value, systemPrefersDark.value))

  let environment: ThemeEnvironment | null = null
  let cleanup: Array<() => void> = []
  /** Bumped by every local change, so a slower `settings.get` cannot undo a click. */
  let revision = 0

  watch(resolved, (theme) => environment?.apply(theme))

  function setLocal(next: Theme): void {
    preference.value = next
    environment?.writeCached(next)
  }

  async function load(): Promise<void> {
    const started = revision
    try {
      const { value } = await api.call('settings.get', { key: 'theme' })
      if (started === revision && isThemePreference(value)) setLocal(value)
    } catch (error) {
      app.report(error, 'settings.get')
    }
  }

  async function setPreference(next: Theme): Promise<void> {
    const previous = preference.value
    const mine = ++revision
    setLocal(next)
    try {
      const { value } = await api.call('settings.set', { key: 'theme', value: next })
      if (mine === revision && isThemePreference(value)) setLocal(value)
    } catch (error) {
      if (mine === revision) setLocal(previous)
      app.report(error, 'settings.set')
    }
  }

  /** system → light → dark → system. */
  function cycle(): Promise<void> {
    return setPreference(nextThemePreference(preference.value))
  }

  /** Applies the theme, follows the system scheme and the stored setting; undo with stop(). */
  function start(env: ThemeEnvironment): void {
    if (environment) return
    environment = env
    const cached = env.readCached()
    if (cached) preference.value = cached
    systemPrefersDark.value = env.prefersDark()
    env.apply(resolved.value)
    cleanup = [
      env.onPrefersDarkChange((dark) => {
        systemPrefersDark.value = dark
      }),
      api.on('workspace.changed', (change) => {
        // Another window (or the CLI) changed the setting.
        if (change.area === 'settings' && (change.key === undefined || change.key === 'theme')) void load()
      }),
    ]
    void load()
  }

  function stop(): void {
    for (const undo of cleanup) undo()
    cleanup = []
    environment = null
  }

  return { preference, systemPrefersDark, resolved, load, setPreference, cycle, start, stop }
})
