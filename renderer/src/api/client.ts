import type {
  CallResult,
  ErrorCode,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  PerceptBridge,
  WireError,
} from '../../../main/api'

/** The state of a door's live event channel. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed'

/** Which door the renderer was opened through. */
export type DoorKind = 'electron' | 'web'

/**
 * A door that can report on its event channel (the web bridge's WebSocket). Electron's preload bridge has
 * no such channel to lose, so the client treats a bridge without these members as always connected.
 */
export interface ConnectionAware {
  readonly connection: ConnectionState
  onConnectionChange(listener: (state: ConnectionState) => void): () => void
}

/**
 * A door whose ordinary calls may not outlive the page (the web bridge's fetch is cancelled when the tab
 * closes): it sends a last write in a way the browser completes after the page is gone.
 */
export interface UnloadAware {
  callBeforeUnload(method: string, input: unknown): void
}

export type RendererBridge = PerceptBridge & Partial<ConnectionAware> & Partial<UnloadAware>

/** A typed error from the core (or from the door itself), carried across unchanged. */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly method: string,
    readonly details?: unknown,
  ) {
    super(message)
  }

  static fromWire(method: string, error: WireError): ApiError {
    return new ApiError(error.code, error.message, method, error.details)
  }
}

/** Methods whose input has no required field may be called without one. */
export type CallArgs<M extends MethodName> =
  Record<never, never> extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>]

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function isCallResult(value: unknown): value is CallResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  if (value.ok === true) return 'value' in value
  if (value.ok !== false || !('error' in value)) return false
  const error = value.error
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error
}

/**
 * The renderer's one way into the core: typed methods and events over whichever door opened the page.
 * A call answers its value or throws an ApiError with the wire code and message.
 */
export class ApiClient {
  constructor(
    private readonly bridge: RendererBridge,
    readonly door: DoorKind,
  ) {}

  async call<M extends MethodName>(method: M, ...args: CallArgs<M>): Promise<MethodOutput<M>> {
    const input = args[0] ?? {}
    let result: unknown
    try {
      result = await this.bridge.call(method, input)
    } catch (error) {
      throw new ApiError('UNAVAILABLE', `Could not reach the workbench core for ${method}: ${describe(error)}`, method)
    }
    if (!isCallResult(result)) {
      throw new ApiError('INTERNAL', `${method} answered something that is not a call result.`, method)
    }
    if (!result.ok) throw ApiError.fromWire(method, result.error)
    return result.value as MethodOutput<M>
  }

  /**
   * Sends a call while the page is going away (pagehide), without waiting for its answer: what the user
   * did in the last moments is written even though nothing here will see the result.
   */
  callBeforeUnload<M extends MethodName>(method: M, ...args: CallArgs<M>): void {
    const input = args[0] ?? {}
    if (this.bridge.callBeforeUnload) this.bridge.callBeforeUnload(method, input)
    else void this.bridge.call(method, input).catch(() => {})
  }

  /** Subscribes to a core event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.bridge.on(event, (payload) => listener(payload as EventPayload<E>))
  }

  get connection(): ConnectionState {
    return this.bridge.connection ?? 'connected'
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.bridge.onConnectionChange?.(listener) ?? (() => {})
  }
}

/** Turns anything a store caught into an ApiError, keeping a typed one as it is. */
export function toApiError(error: unknown, method = 'renderer'): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError('INTERNAL', describe(error), method)
}
