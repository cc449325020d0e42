/**
 * The level scales beside the editor's lanes: the spectrogram's colour bar (dB from the bottom of its
 * range to the top) and the waveform's amplitude in dBFS (a sample of 1 is 0 dBFS; the waveform draws
 * samples linearly, so -6 dBFS sits halfway between the centre line and the edge).
 */
export interface LevelTick {
  label: string
  /** 0 at the bottom of the bar / the centre line of a waveform lane, 1 at the top / its edge. */
  fraction: number
}

/** Round dB values every 10 or 20 dB (whichever keeps `minGapPx`) between minDb and maxDb, ends included. */
export function colorBarTicks(minDb: number, maxDb: number, height: number, minGapPx = 16): LevelTick[] {
  const span = maxDb - minDb
  if (!(span > 0) || height <= 0) return []
  const step = [10, 20, 40].find((candidate) => (candidate / span) * height >= minGapPx) ?? span
  const ticks: LevelTick[] = [{ label: `${Math.round(maxDb)} dB`, fraction: 1 }]
  for (let db = Math.floor(maxDb / step) * step; db > minDb; db -= step) {
    const fraction = (db - minDb) / span
    if ((1 - fraction) * height < minGapPx || fraction * height < minGapPx) continue
    ticks.push({ label: `${db}`, fraction })
  }
  ticks.push({ label: `${Math.round(minDb)}`, fraction: 0 })
  return ticks
}

/**
 * dBFS marks for one half of a waveform lane `halfHeight` pixels from the centre line to the peak:
 * 0, -6, -12, -24 where they keep `minGapPx` apart, and -inf on the centre line.
 */
export function amplitudeTicks(halfHeight: number, minGapPx = 10): LevelTick[] {
  const ticks: LevelTick[] = []
  for (const db of [0, -6, -12, -18, -24]) {
    const fraction = 10 ** (db / 20)
    const previous = ticks[ticks.length - 1]
    if (previous && (previous.fraction - fraction) * halfHeight < minGapPx) continue
    if (fraction * halfHeight < minGapPx) break
    ticks.push({ label: db === 0 ? '0' : `${db}`, fraction })
  }
  ticks.push({ label: '-∞', fraction: 0 })
  return ticks
}
