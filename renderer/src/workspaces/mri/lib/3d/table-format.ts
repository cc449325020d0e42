/** Number formats of the structure and Dice tables and of the report (one place, so they agree). */

const dash = '—'
const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** Millilitres with two decimals: "12.35". */
export function formatMl(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : dash
}

/** Voxel counts grouped by thousands: "1,234,567". */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? counts.format(value) : dash
}

/** Dice with three decimals ("0.912"), a dash when it is undefined (the label is in neither map). */
export function formatDice(value: number | null): string {
  return value === null || !Number.isFinite(value) ? dash : value.toFixed(3)
}
