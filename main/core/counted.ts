/** "1 epoch", "2 epochs": a count with its noun in the right number, for messages and cards. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`
}

/** "held-out fold 3", "held-out folds 1, 2". */
export function listed(items: readonly (string | number)[], noun: string, plural = `${noun}s`): string {
  return `${items.length === 1 ? noun : plural} ${items.join(', ')}`
}
