/** The colours a canvas chart draws with, read from the theme's CSS custom properties. */
export interface ChartColors {
  series: string[]
  axis: string
  grid: string
  /** Behind the chart: the fill of point markers. */
  background: string
}

/** Fallbacks when a property is missing (the light theme's values). */
export const defaultChartColors: ChartColors = {
  series: ['#3b6fd8', '#d9822b', '#1d7f46', '#9b4dca'],
  axis: '#545d6b',
  grid: '#e6e9ee',
  background: '#ffffff',
}

/** Reads `--chart-1..4`, `--text-muted`, `--chart-grid` and `--surface` through `read` (getPropertyValue). */
export function chartColors(read: (property: string) => string): ChartColors {
  const value = (property: string, fallback: string) => read(property).trim() || fallback
  return {
    series: defaultChartColors.series.map((fallback, i) => value(`--chart-${i + 1}`, fallback)),
    axis: value('--text-muted', defaultChartColors.axis),
    grid: value('--chart-grid', defaultChartColors.grid),
    background: value('--surface', defaultChartColors.background),
  }
}

/** Axis tick labels: short numbers (0.25, 1.2k, 3e-4). */
export function formatTick(value: number): string {
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 10_000) return `${Number((value / 1000).toPrecision(3))}k`
  if (magnitude < 1e-3) return value.toExponential(0)
  return String(Number(value.toPrecision(3)))
}
