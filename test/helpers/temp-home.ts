import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A throwaway workspace folder; call the returned cleanup in afterEach. */
export function tempHome(prefix = 'percept-test-'): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), prefix))
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) }
}
