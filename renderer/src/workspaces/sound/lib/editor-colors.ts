/** The colours the editor's canvases and regions draw with, from the theme's CSS custom properties. */
export interface EditorColors {
  wave: string
  /** The channel lanes' centre lines and the ruler's ticks. */
  grid: string
  text: string
  textFaint: string
  background: string
  accent: string
  marker: string
  cursor: string
}

export const defaultEditorColors: EditorColors = {
  wave: '#3b6fd8',
  grid: '#dde1e7',
  text: '#545d6b',
  textFaint: '#7d8694',
  background: '#ffffff',
  accent: '#3b6fd8',
  marker: '#b77a0c',
  cursor: '#c9372c',
}

/** Reads the theme through `read` (getPropertyValue on the root's computed style). */
export function editorColors(read: (property: string) => string): EditorColors {
  const value = (property: string, fallback: string) => read(property).trim() || fallback
  return {
    wave: value('--chart-1', defaultEditorColors.wave),
    grid: value('--border', defaultEditorColors.grid),
    text: value('--text-muted', defaultEditorColors.text),
    textFaint: value('--text-faint', defaultEditorColors.textFaint),
    background: value('--surface', defaultEditorColors.background),
    accent: value('--accent', defaultEditorColors.accent),
    marker: value('--warning', defaultEditorColors.marker),
    cursor: value('--danger', defaultEditorColors.cursor),
  }
}

/** `#rrggbb` (or `#rgb`) with an alpha, as rgba(); other colours are returned as they are. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1]
  if (!hex) return color
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16))
  return `rgba(${r}, ${g}, ${b}, ${alpha})`
}
