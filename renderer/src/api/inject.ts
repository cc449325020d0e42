import { inject, type InjectionKey } from 'vue'
import type { ApiClient } from './client'

/** The API client is created once in `main.ts` and provided to the app (and so to its stores). */
export const apiKey: InjectionKey<ApiClient> = Symbol('percept-api')

export function useApi(): ApiClient {
  const api = inject(apiKey, null)
  if (!api) throw new Error('No API client provided: call app.provide(apiKey, client) before using the stores.')
  return api
}
