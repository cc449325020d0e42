/// <reference types="vite/client" />
import type { PerceptBridge } from '../../main/api'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the page is served by `percept serve`. */
    percept?: PerceptBridge
  }
}

export {}
