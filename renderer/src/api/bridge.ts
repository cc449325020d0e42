import { ApiClient, type DoorKind, type RendererBridge } from './client'
import { WebBridge, type SocketFactory } from './web-bridge'

/** A WebSocket wired to the web bridge's handlers. */
const openBrowserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url)
  socket.onopen = () => handlers.open()
  socket.onclose = () => handlers.close()
  socket.onmessage = (event: MessageEvent) => handlers.message(event.data)
  return { close: () => socket.close() }
}

/**
 * Picks the door this page was opened through: Electron's preload bridge when present, otherwise the
 * browser-mode server this page came from. Nothing above this function knows which it was.
 */
export function createBridge(): { bridge: RendererBridge; door: DoorKind; dispose(): void } {
  if (window.percept) return { bridge: window.percept, door: 'electron', dispose: () => {} }
  const web = new WebBridge({
    location: window.location,
    fetch: (url, init) => window.fetch(url, init),
    openSocket: openBrowserSocket,
  })
  web.connect()
  return { bridge: web, door: 'web', dispose: () => web.dispose() }
}

export function createApiClient(): { api: ApiClient; dispose(): void } {
  const { bridge, door, dispose } = createBridge()
  return { api: new ApiClient(bridge, door), dispose }
}
