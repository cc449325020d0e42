import { decimalsFor, formatTime } from './time-format'
import type { Viewport } from './viewport'

/** A tick on the time ruler: where, and its label when it is a major one. */
export interface RulerTick {
  x: number
  time: number
  label: string | null
}

const niceSteps = [1, 2, 5]

/** The smallest step of 1, 2 or 5 × 10^k seconds (and 10, 15, 30 s, minutes) at least `seconds` long. */
export function niceStep(seconds: number): number {
  if (!(seconds > 0)) return 1
  if (seconds > 5 && seconds <= 60) return [10, 15, 30, 60].find((step) => step >= seconds) ?? 60
  if (seconds > 60) return [120, 300, 600, 900, 1800, 3600].find((step) => step >= seconds) ?? Math.ceil(seconds / 3600) * 3600
  const power = 10 ** Math.floor(Math.log10(seconds))
  for (const step of niceSteps) if (step * power >= seconds - 1e-15) return step * power
  return 10 * power
}

/**
 * Ticks for the view: labels at least `labelPx` apart, four minor ticks between them (two for steps of
 * 2 and 15), times printed with the decimals the step needs.
 */
export function rulerTicks(view: Viewport, width: number, labelPx = 90): RulerTick[] {
  const major = niceStep(labelPx / view.pxPerSec)
  const lead = Number(major.toPrecision(1)) / 10 ** Math.floor(Math.log10(major))
  const divisions = lead === 2 || major === 15 ? 2 : 5
  const minor = major / divisions
  const decimals = decimalsFor(major)
  const end = view.start + width / view.pxPerSec
  const ticks: RulerTick[] = []
  const first = Math.floor(view.start / minor)
  for (let i = first; i * minor <= end + minor; i++) {
    const time = i * minor
    if (time < 0) continue
    const x = (time - view.start) * view.pxPerSec
    if (x < -1 || x > width + 1) continue
    const isMajor = i % divisions === 0
    ticks.push({ x, time, label: isMajor ? formatTime(time, decimals) : null })
  }
  return ticks
}
