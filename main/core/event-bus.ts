import { eventSchemas, type EventName, type EventPayload, type PerceptEvent } from '../api'

export type EventListener = (event: PerceptEvent) => void

/** Typed fan-out of core events to every door; payloads are validated so a door never forwards junk. */
export class EventBus {
  private readonly listeners = new Set<EventListener>()

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const parsed = eventSchemas[event].parse(payload) as EventPayload<E>
    const message = { event, payload: parsed } as PerceptEvent
    for (const listener of this.listeners) {
      try {
        listener(message)
      } catch {
        // A failing listener (a closed socket) must not stop delivery to the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get size(): number {
    return this.listeners.size
  }
}
