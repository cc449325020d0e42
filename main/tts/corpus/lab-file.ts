/*
 * Phone alignments. Festival and festvox (CMU ARCTIC's lab/) write xlabel files: an optional header
 * ending in a line "#", then one line per phone, "end-time colour name", the phone starting where the
 * previous one ended (the first at 0). Also read: HTK labels "start end name" in 100 ns units, and
 * Audacity's "start<TAB>end<TAB>name" in seconds, as other corpora come with them.
 */

export interface TimedPhone {
  phone: string
  /** Seconds. */
  start: number
  end: number
}

/** Parses a label file; throws an Error naming the line when it is not one of the three forms. */
export function parseLab(text: string): TimedPhone[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const hash = lines.findIndex((line) => line.trim() === '#')
  const body = lines.map((line, i) => ({ line: line.trim(), number: i + 1 })).slice(hash + 1).filter((l) => l.line !== '')
  const phones: TimedPhone[] = []
  for (const { line, number } of body) {
    const fields = line.split(/\s+/)
    const [a, b, name] = fields
    const first = Number(a)
    if (fields.length >= 3 && Number.isFinite(first) && Number.isFinite(Number(b))) {
      const whole = (v: string): boolean => /^\d+$/.test(v)
      if (hash >= 0 || (!line.includes('\t') && !whole(a!) && whole(b!))) {
        // xlabel: end, colour (a whole number), name; each phone starts where the one before ended.
        phones.push({ phone: fields.slice(2).join(' '), start: phones[phones.length - 1]?.end ?? 0, end: first })
      } else {
        const scale = !line.includes('\t') && whole(a!) && whole(b!) ? 1e-7 : 1 // HTK counts 100 ns units
        phones.push({ phone: name!, start: first * scale, end: Number(b) * scale })
      }
      continue
    }
    throw new Error(`line ${number} is not "end colour phone" (festvox), "start end phone" (HTK) or "start<TAB>end<TAB>phone" (Audacity)`)
  }
  return phones
}

/** Writes phones as festvox writes them: the header, then "end 125 name". */
export function formatLab(phones: readonly TimedPhone[]): string {
  return '#\n' + phones.map((p) => `${p.end.toFixed(6)} 125 ${p.phone}\n`).join('')
}
