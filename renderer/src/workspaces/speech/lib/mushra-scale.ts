/** The continuous quality scale of BS.1534-3 (Sec. 5.4): five intervals of 20 points, labelled. */
export const mushraBands = [
  { from: 80, to: 100, label: 'Excellent' },
  { from: 60, to: 80, label: 'Good' },
  { from: 40, to: 60, label: 'Fair' },
  { from: 20, to: 40, label: 'Poor' },
  { from: 0, to: 20, label: 'Bad' },
] as const

export function bandOf(score: number): string {
  return mushraBands.find((b) => score >= b.from)?.label ?? 'Bad'
}
