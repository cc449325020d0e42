import type fc from 'fast-check'
import { PerceptError } from '../../main/core/errors'

/**
 * One fuzz target: a door or a parser fed with bytes. The property every target shares: the code under
 * test either succeeds or refuses with a PerceptError a person can act on (any code but INTERNAL); a
 * crash, any other error, a hang past the bound or runaway memory is a failure.
 */
export interface FuzzTarget {
  /** Valid inputs in the real format, mutated by the generators (generated here, deterministic). */
  seeds(): Promise<Uint8Array[]>
  /**
   * Feeds one input to the code under test, in a worker thread. Throw (anything but an accepted
   * PerceptError) to report a failure; `refusal()` classifies what the parser threw.
   */
  check(input: Uint8Array): Promise<void>
  /** Milliseconds one input may take before it counts as a hang (default 5000). */
  timeoutMs?: number
  /** Builds the inputs from the seeds; default `mutatedBytes(seeds)` (mutations.ts). */
  arbitrary?(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array>
}

/** A fuzz failure found by a target's own check (as opposed to a refusal, which is fine). */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure'
}

/** Runs `work`; an accepted refusal (a PerceptError but INTERNAL) is swallowed, anything else rethrown. */
export async function expectRefusalOrSuccess<T>(work: () => Promise<T> | T): Promise<T | PerceptError> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof PerceptError && error.code !== 'INTERNAL') return error
    throw error
  }
}
