import { expect } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'

/** Asserts that `run` fails with INVALID_FILE and a message matching `pattern` (sync or async). */
export async function expectInvalid(run: () => unknown, pattern: RegExp): Promise<PerceptError> {
  let caught: unknown
  try {
    await run()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(PerceptError)
  const error = caught as PerceptError
  expect(error.code).toBe('INVALID_FILE')
  expect(error.message).toMatch(pattern)
  return error
}
