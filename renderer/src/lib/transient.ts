import { getCurrentScope, onScopeDispose, watch, type Ref } from 'vue'

/** How long a success message stays: long enough to read a path twice. */
export const successMillis = 8000

/**
 * Clears `message` `millis` after each time it is set, so a success notice goes once read instead of
 * lingering beside later work; `onShown` runs each time it is set (the caller clears a stale error there).
 */
export function fadeAfter(message: Ref<string | null>, onShown?: () => void, millis = successMillis): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const stop = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  watch(message, (text) => {
    stop()
    if (text === null) return
    onShown?.()
    timer = setTimeout(() => {
      timer = null
      if (message.value === text) message.value = null
    }, millis)
  })
  if (getCurrentScope()) onScopeDispose(stop)
}
