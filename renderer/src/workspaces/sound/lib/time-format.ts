/** Time, gain and loudness as the sound editor shows them. */

const dash = '—'
const minus = '\u2212'

/**
 * "0:03.250", "12:00.000", "1:02:03.5": minutes and seconds (hours when needed) with `decimals` digits
 * of the second. Negative times get a minus sign.
 */
export function formatTime(seconds: number, decimals = 3): string {
  if (!Number.isFinite(seconds)) return dash
  const places = Math.max(0, Math.min(9, Math.round(decimals)))
  const sign = seconds < 0 ? minus : ''
  // Round once, in the smallest unit shown, so 59.9996 s becomes 1:00.000 and not 0:60.000.
  const scale = 10 ** places
  const units = Math.round(Math.abs(seconds) * scale)
  const whole = Math.floor(units / scale)
  const fraction = units - whole * scale
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const secs = whole % 60
  const tail = places > 0 ? `.${String(fraction).padStart(places, '0')}` : ''
  const ss = String(secs).padStart(2, '0')
  if (hours > 0) return `${sign}${hours}:${String(minutes).padStart(2, '0')}:${ss}${tail}`
  return `${sign}${minutes}:${ss}${tail}`
}

/** How many decimals tell apart two times `step` seconds apart (0 to 6). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 3
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)))
}

/** "+3.0 dB", "−2.5 dB", "0.0 dB". */
export function formatDb(db: number): string {
  if (!Number.isFinite(db)) return dash
  const rounded = Math.round(db * 10) / 10
  if (rounded === 0) return '0.0 dB'
  return `${rounded > 0 ? '+' : minus}${Math.abs(rounded).toFixed(1)} dB`
}

/** "−23.1 LUFS", or a dash when the loudness is unknown (silence). */
export function formatLufs(lufs: number | null | undefined): string {
  if (lufs === null || lufs === undefined || !Number.isFinite(lufs)) return dash
  const text = Math.abs(lufs).toFixed(1)
  return `${lufs < 0 ? minus : ''}${text} LUFS`
}

/** "44.1 kHz", "8 kHz", "22.05 kHz". */
export function formatSampleRate(rate: number): string {
  return `${Number((rate / 1000).toFixed(3))} kHz`
}

/** "mono", "stereo", "6 channels". */
export function formatChannels(channels: number): string {
  if (channels === 1) return 'mono'
  if (channels === 2) return 'stereo'
  return `${channels} channels`
}
