import type { Theme } from '../../../main/api'
import { darkSchemeQuery, isThemePreference, type ResolvedTheme, type ThemeEnvironment } from '../lib/theme'

const cacheKey = 'percept.theme'

/** The theme environment of a real page: matchMedia, `<html data-theme>` and localStorage. */
export function browserThemeEnvironment(root: HTMLElement = document.documentElement): ThemeEnvironment {
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(darkSchemeQuery) : null
  return {
    prefersDark: () => media?.matches ?? false,
    onPrefersDarkChange(listener) {
      if (!media) return () => {}
      const onChange = (event: MediaQueryListEvent) => listener(event.matches)
      media.addEventListener('change', onChange)
      return () => media.removeEventListener('change', onChange)
    },
    apply(theme: ResolvedTheme) {
      root.dataset.theme = theme
    },
    readCached() {
      try {
        const value = window.localStorage.getItem(cacheKey)
        return isThemePreference(value) ? value : null
      } catch {
        return null // storage can be disabled; the setting still loads from the workspace
      }
    },
    writeCached(preference: Theme) {
      try {
        window.localStorage.setItem(cacheKey, preference)
      } catch {
        // not fatal: only the first paint of the next start uses the cache
      }
    },
  }
}
