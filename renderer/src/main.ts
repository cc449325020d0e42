import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createApiClient } from './api/bridge'
import { apiKey } from './api/inject'
import { createAppRouter } from './router'
import './styles/index.css'

// The composition root of the renderer: one API client over whichever door opened the page, handed to
// the app (and its stores) by provide/inject.
const { api, dispose } = createApiClient()

const app = createApp(App)
app.provide(apiKey, api)
app.use(createPinia())
app.use(createAppRouter())
app.mount('#app')

window.addEventListener('pagehide', (event) => {
  if (!event.persisted) dispose()
})
