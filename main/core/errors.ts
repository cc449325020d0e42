import type { ErrorCode, WireError } from '../api'

/** An error meant for a person: the code says what kind of problem, the message what to do about it. */
export class PerceptError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'PerceptError'
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static fromWire(error: WireError): PerceptError {
    return new PerceptError(error.code, error.message, error.details)
  }
}

/** Turns anything thrown into a PerceptError without losing a typed one. */
export function toPerceptError(error: unknown, context: string): PerceptError {
  if (error instanceof PerceptError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new PerceptError('INTERNAL', `${context}: ${message}`)
}
