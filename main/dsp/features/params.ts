import { PerceptError } from '../../core/errors'

/** A VALIDATION error: the message names the parameter, the bad value and what to use instead. */
export function invalid(message: string): PerceptError {
  return new PerceptError('VALIDATION', message)
}

export function requireInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw invalid(`${name} must be an integer >= ${min}: got ${value}`)
  }
  return value
}

export function requirePositive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw invalid(`${name} must be a positive number: got ${value}`)
  return value
}

/** fft.js handles only power-of-two sizes; suggests the nearest one. */
export function requirePowerOfTwo(name: string, value: number): number {
  if (Number.isInteger(value) && value >= 2 && (value & (value - 1)) === 0) return value
  const nearest = 2 ** Math.max(1, Math.round(Math.log2(Math.max(2, value))))
  throw invalid(`${name} must be a power of two (fft.js): got ${value}; use ${nearest}`)
}
