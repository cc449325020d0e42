/**
 * The contract between the core and every door. Runtime code here is only zod schemas;
 * the renderer imports this module as types only.
 */
export * from './errors'
export * from './events'
export * from './methods'
export * from './jobs'
export * from './models'
export * from './model-methods'
export * from './files'
export * from './audio'
export * from './sound'
export * from './sound-editor-state'
export * from './spectrogram-settings'
export * from './mri'
export * from './faces'
export * from './speech'
export * from './enhance'
export * from './resources'

/** What a door exposes to the renderer: one call and one event subscription. */
export interface PerceptBridge {
  call(method: string, input: unknown): Promise<import('./errors').CallResult<unknown>>
  /** Returns an unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void
}
