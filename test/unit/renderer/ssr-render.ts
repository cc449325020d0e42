import { createPinia, setActivePinia } from 'pinia'
import { createSSRApp, defineComponent, h, type Component } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createMemoryHistory } from 'vue-router'
import { ApiClient } from '../../../renderer/src/api/client'
import { apiKey } from '../../../renderer/src/api/inject'
import { createAppRouter } from '../../../renderer/src/router'
import { FakeBridge } from './fake-bridge'

/**
 * `component` rendered to HTML by Vue's server renderer inside the app's router (at `path`) with a fresh
 * Pinia and a core that answers nothing; `prepare` fills the stores first. Pass RouterView for a whole page.
 */
export async function renderWithApp(component: Component, path: string, prepare?: () => void, props: Record<string, unknown> = {}): Promise<string> {
  const router = createAppRouter(createMemoryHistory())
  const pinia = createPinia()
  const app = createSSRApp(defineComponent({ render: () => h(component, props) }))
  app.provide(apiKey, new ApiClient(new FakeBridge(), 'web'))
  app.use(pinia)
  app.use(router)
  setActivePinia(pinia)
  prepare?.()
  await router.push(path)
  await router.isReady()
  return renderToString(app)
}

/** The text a reader sees: tags and comments dropped, white space collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}
