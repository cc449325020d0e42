import type { Theme } from '../../../main/api'

/** What a preference resolves to once the system's choice is known. */
export type ResolvedTheme = 'light' | 'dark'

/** The order the theme button walks through. */
export const themeCycle: readonly Theme[] = ['system', 'light', 'dark']

/** The media query the system preference is read from. */
export const darkSchemeQuery = '(prefers-color-scheme: dark)'

/** 'system' follows the operating system; 'light' and 'dark' override it. */
export function resolveTheme(preference: Theme, systemPrefersDark: boolean): ResolvedTheme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light'
  return preference
}

/** The preference after `current` in the cycle system → light → dark → system. */
export function nextThemePreference(current: Theme): Theme {
  const index = themeCycle.indexOf(current)
  return themeCycle[(index + 1) % themeCycle.length] ?? 'system'
}

/** Narrows an untrusted stored value (a setting, a cached string) to a preference. */
export function isThemePreference(value: unknown): value is Theme {
  return typeof value === 'string' && (themeCycle as readonly string[]).includes(value)
}

export const themeLabels: Record<Theme, string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
}

/**
 * Where the theme store reads the system preference and writes the result. The browser version lives in
 * `theme-dom.ts`; tests hand in a fake, so the store runs without a DOM.
 */
export interface ThemeEnvironment {
  /** Whether the system asks for a dark scheme right now. */
  prefersDark(): boolean
  /** Calls `listener` whenever the system preference changes; returns the unsubscribe function. */
  onPrefersDarkChange(listener: (prefersDark: boolean) => void): () => void
  /** Shows the resolved theme (on the page: `data-theme` on the root element). */
  apply(theme: ResolvedTheme): void
  /** The preference remembered from the last session, used until the workspace setting has loaded. */
  readCached(): Theme | null
  writeCached(preference: Theme): void
}
