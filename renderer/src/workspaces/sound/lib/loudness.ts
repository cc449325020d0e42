/**
 * Loudness matching between versions of a sound: each version plays at (the quietest version's
 * integrated loudness − its own) dB, so switching compares content and not level. A version whose
 * loudness is unknown (silence: every block gated out) is not adjusted.
 */
export function matchedGainsDb(lufs: ReadonlyArray<number | null>): Array<number | null> {
  const known = lufs.filter((value): value is number => value !== null && Number.isFinite(value))
  if (known.length === 0) return lufs.map(() => null)
  const quietest = Math.min(...known)
  return lufs.map((value) => (value === null || !Number.isFinite(value) ? null : quietest - value))
}

/** The gain a version plays with: the sound's gain plus its matching gain when matching is on. */
export function playbackGainDb(soundGainDb: number, matchedDb: number | null, matching: boolean): number {
  return soundGainDb + (matching && matchedDb !== null ? matchedDb : 0)
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20)
}

/** The sound gain control's range, dB. */
export const gainRange = { min: -24, max: 24, step: 0.5 } as const
