import { randomBytes } from 'node:crypto'
import { sameSecret } from './web-auth'

/**
 * Single-use codes that stand in for the access token where the address is exposed: a browser started by
 * `serve --open` gets the address on its command line, which every local user can read. A code is spent by
 * its first use and expires soon, so what a reader of the process list sees is worthless by the time they see it.
 */
export class OneTimeCodes {
  /** code -> expiry (ms since epoch) */
  private readonly codes = new Map<string, number>()

  constructor(
    readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    /** Unspent codes kept at most; the oldest goes first. */
    private readonly limit = 16,
  ) {}

  issue(): string {
    this.dropExpired()
    if (this.codes.size >= this.limit) this.codes.delete(this.codes.keys().next().value!)
    const code = randomBytes(24).toString('base64url')
    this.codes.set(code, this.now() + this.ttlMs)
    return code
  }

  /** True once for a live code; the code is gone afterwards, whatever the answer. */
  redeem(code: string): boolean {
    this.dropExpired()
    // Compared in constant time against each (there are few), not looked up by value.
    for (const known of this.codes.keys()) {
      if (sameSecret(code, known)) {
        this.codes.delete(known)
        return true
      }
    }
    return false
  }

  private dropExpired(): void {
    const now = this.now()
    for (const [code, expiry] of this.codes) if (expiry <= now) this.codes.delete(code)
  }
}
