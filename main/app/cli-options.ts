import { InvalidArgumentError } from 'commander'

/*
 * Option parsers and output shared by the CLI's commands, so that every command takes numbers and lists the
 * same way and says the same thing about a bad value (commander prefixes the option's name).
 */

/** Prints a command's result as indented JSON: what --json promises. */
export const printJson = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n')

/** Number(''), Number(' ') are 0: an empty value is no number. */
const numberOf = (value: string): number => (value.trim() === '' ? NaN : Number(value))

/** A whole number of at least `least` (and at most `most` where given). */
export function wholeNumber(least: number, most?: number): (value: string) => number {
  return (value) => {
    const n = numberOf(value)
    if (!Number.isInteger(n) || n < least || (most !== undefined && n > most)) {
      throw new InvalidArgumentError(most === undefined ? `expected a whole number, ${least} or more.` : `expected a whole number from ${least} to ${most}.`)
    }
    return n
  }
}

/** A finite number above 0. */
export function positiveNumber(value: string): number {
  const n = numberOf(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0.')
  return n
}

/** Whole numbers separated by commas, each at least `least`; `example` shows the form in the message. */
export function wholeNumberList(example: string, least = 0): (value: string) => number[] {
  return (value) => {
    const list = value.split(',').map(numberOf)
    if (list.some((n) => !Number.isInteger(n) || n < least)) {
      throw new InvalidArgumentError(`expected whole numbers${least === 0 ? '' : ` from ${least}`} separated by commas, e.g. ${example}.`)
    }
    return list
  }
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(names: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(names as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${names.join(', ')}.`)
    return value as T
  }
}
