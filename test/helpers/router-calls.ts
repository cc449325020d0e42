import type { WireError } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'

/**
 * `call` (the value, or throws an Error carrying the wire error's code) and `fail` (the wire error of a
 * call that must fail) through an app's router as the 'test' door. `app` is read at each call, so a
 * test file can create its app in beforeAll.
 */
export function routerCalls(app: () => PerceptApp) {
  return {
    async call<T = unknown>(method: string, input: unknown): Promise<T> {
      const result = await app().router.call(method, input, { door: 'test' })
      if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code })
      return result.value as T
    },
    async fail(method: string, input: unknown): Promise<WireError> {
      const result = await app().router.call(method, input, { door: 'test' })
      if (result.ok) throw new Error(`${method} unexpectedly succeeded`)
      return result.error
    },
  }
}
