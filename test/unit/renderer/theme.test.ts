import { describe, expect, it } from 'vitest'
import type { Theme } from '../../../main/api'
import {
  isThemePreference,
  nextThemePreference,
  resolveTheme,
  type ResolvedTheme,
  type ThemeEnvironment,
} from '../../../renderer/src/lib/theme'
import { useAppStore } from '../../../renderer/src/stores/app'
import { useThemeStore } from '../../../renderer/src/stores/theme'
import { FakeBridge, deferred, settle, storesOver } from './fake-bridge'

/** A system colour scheme and a root element in memory. */
class FakeThemeEnvironment implements ThemeEnvironment {
  applied: ResolvedTheme[] = []
  cached: Theme | null = null
  private listeners = new Set<(dark: boolean) => void>()
  constructor(public dark: boolean) {}
  prefersDark = () => this.dark
  onPrefersDarkChange(listener: (dark: boolean) => void) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  apply(theme: ResolvedTheme) {
    this.applied.push(theme)
  }
  readCached = () => this.cached
  writeCached(preference: Theme) {
    this.cached = preference
  }
  setSystemDark(dark: boolean) {
    this.dark = dark
    for (const listener of this.listeners) listener(dark)
  }
  get current() {
    return this.applied.at(-1)
  }
  get listenerCount() {
    return this.listeners.size
  }
}

/** A settings store on the far side of the fake door. */
function settingsBridge(stored: Theme = 'system') {
  const state = { stored }
  const bridge = new FakeBridge()
    .answer('settings.get', () => ({ ok: true, value: { key: 'theme', value: state.stored } }))
    .answer('settings.set', (input) => {
      const { value } = input as { value: unknown }
      if (!isThemePreference(value)) return { ok: false, error: { code: 'VALIDATION', message: 'bad theme' } }
      state.stored = value
      return { ok: true, value: { key: 'theme', value } }
    })
  return { bridge, state }
}

describe('theme resolution', () => {
  it('system follows the media query; light and dark override it', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })

  it('cycles system → light → dark → system and recognises only real preferences', () => {
    expect(nextThemePreference('system')).toBe('light')
    expect(nextThemePreference('light')).toBe('dark')
    expect(nextThemePreference('dark')).toBe('system')
    expect(['system', 'light', 'dark', 'purple', null, 3].map(isThemePreference)).toEqual([true, true, true, false, false, false])
  })
})

describe('theme store', () => {
  it('with preference system and a dark system scheme applies dark, and follows the scheme live', async () => {
    const { bridge } = settingsBridge('system')
    storesOver(bridge)
    const env = new FakeThemeEnvironment(true)
    const theme = useThemeStore()
    theme.start(env)
    await settle()
    expect(theme.preference).toBe('system')
    expect(theme.resolved).toBe('dark')
    expect(env.current).toBe('dark')
    env.setSystemDark(false)
    await settle()
    expect(env.current).toBe('light')
    theme.stop()
    expect(env.listenerCount).toBe(0)
    expect(bridge.listenerCount()).toBe(0)
  })

  it('an explicit light preference stored in the workspace overrides a dark system', async () => {
    const { bridge } = settingsBridge('light')
    storesOver(bridge)
    const env = new FakeThemeEnvironment(true)
    const theme = useThemeStore()
    theme.start(env)
    await settle()
    expect(theme.preference).toBe('light')
    expect(env.current).toBe('light')
    env.setSystemDark(true)
    await settle()
    expect(env.current).toBe('light')
    expect(env.cached).toBe('light') // remembered for the next start's first paint
    theme.stop()
  })

  it('cycle() stores each choice with settings.set', async () => {
    const { bridge, state } = settingsBridge('system')
    storesOver(bridge)
    const env = new FakeThemeEnvironment(false)
    const theme = useThemeStore()
    theme.start(env)
    await settle()
    await theme.cycle()
    expect(state.stored).toBe('light')
    await theme.cycle()
    expect(state.stored).toBe('dark')
    await settle()
    expect(env.current).toBe('dark')
    await theme.cycle()
    expect(state.stored).toBe('system')
    expect(bridge.callsTo('settings.set')).toEqual([
      { key: 'theme', value: 'light' },
      { key: 'theme', value: 'dark' },
      { key: 'theme', value: 'system' },
    ])
    theme.stop()
  })

  it('uses the cached preference until the setting loads, and a click wins over a slow load', async () => {
    const slow = deferred<{ ok: true; value: { key: 'theme'; value: Theme } }>()
    const bridge = new FakeBridge()
      .answer('settings.get', () => slow.promise)
      .answer('settings.set', (input) => ({ ok: true, value: input }))
    storesOver(bridge)
    const env = new FakeThemeEnvironment(false)
    env.cached = 'dark'
    const theme = useThemeStore()
    theme.start(env)
    expect(env.applied).toEqual(['dark']) // first paint, before any answer
    await theme.setPreference('light')
    slow.resolve({ ok: true, value: { key: 'theme', value: 'system' } })
    await settle()
    expect(theme.preference).toBe('light')
    theme.stop()
  })

  it('reverts and reports when settings.set fails', async () => {
    const bridge = new FakeBridge()
      .answerValue('settings.get', { key: 'theme', value: 'dark' })
      .answer('settings.set', () => ({ ok: false, error: { code: 'WORKSPACE_INVALID', message: 'The workspace database is damaged.' } }))
    storesOver(bridge)
    const env = new FakeThemeEnvironment(false)
    const theme = useThemeStore()
    theme.start(env)
    await settle()
    await theme.cycle()
    expect(theme.preference).toBe('dark')
    expect(useAppStore().lastError).toMatchObject({ code: 'WORKSPACE_INVALID', method: 'settings.set' })
    theme.stop()
  })

  it('reloads the setting when another window changes it', async () => {
    const { bridge, state } = settingsBridge('system')
    storesOver(bridge)
    const env = new FakeThemeEnvironment(false)
    const theme = useThemeStore()
    theme.start(env)
    await settle()
    state.stored = 'dark'
    bridge.emit('workspace.changed', { area: 'settings', key: 'theme' })
    await settle()
    expect(env.current).toBe('dark')
    theme.stop()
  })
})
