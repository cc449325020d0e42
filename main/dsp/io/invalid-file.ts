import { PerceptError } from '../../core/errors'

/** What the messages call a file when the caller gave no name (bytes from memory). */
export const unnamed = 'The file'

/** An INVALID_FILE error; `message` says what is wrong and what the person can do. */
export function invalidFile(message: string): PerceptError {
  return new PerceptError('INVALID_FILE', message)
}

/** Sizes as people read them: 300 KB, 1.2 MB, 2.5 GB (decimal units, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}
