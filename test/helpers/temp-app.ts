import { createPercept, type PerceptApp } from '../../main/app/compose'
import { tempHome } from './temp-home'

/** An app on a throwaway workspace, as the 'test' door; `close` shuts it and removes the folder. */
export function tempApp(): { app: PerceptApp; home: string; close: () => void } {
  const { home, cleanup } = tempHome()
  process.env.PERCEPT_HOME = home
  try {
    const app = createPercept({ door: 'test' })
    return { app, home, close: () => (app.close(), cleanup()) }
  } finally {
    delete process.env.PERCEPT_HOME
  }
}
