/** Small formatters shared by the pages; each answers an em dash for a missing value. */

const dash = '—'

/** A local date and time for an ISO string; the raw text when it is not a date. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return dash
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString()
}

/** "850 ms", "12.4 s", "3 min 5 s", "1 h 2 min" for a span of milliseconds. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return dash
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`
  const totalSeconds = Math.round(seconds)
  const minutes = Math.floor(totalSeconds / 60)
  if (minutes < 60) {
    const rest = totalSeconds % 60
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`
  }
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}

/** The time between two ISO instants (to now when `end` is null), formatted; a dash without a start. */
export function formatElapsed(start: string | null | undefined, end: string | null | undefined, now = Date.now()): string {
  if (!start) return dash
  const from = Date.parse(start)
  const to = end ? Date.parse(end) : now
  if (Number.isNaN(from) || Number.isNaN(to)) return dash
  return formatDuration(Math.max(0, to - from))
}

/** "512 B", "1.5 KB", "12 MB" (powers of 1024). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return dash
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1
  return `${value.toFixed(digits)} ${units[unit]}`
}

/** A metric or tensor value: up to 4 significant digits, exponent notation for very small or large ones. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return dash
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(2)
  return String(Number(value.toPrecision(4)))
}

/** "12%" for a fraction 0..1. */
export function formatPercent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`
}

/** A tensor shape as written in model.json: "[N, 128, 40, 1]". */
export function formatShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(', ')}]`
}

/** Pretty JSON for a config or result; "—" for null/undefined. */
export function formatJson(value: unknown): string {
  if (value === undefined || value === null) return dash
  try {
    return JSON.stringify(value, null, 2)
  } catch {
    return String(value)
  }
}
