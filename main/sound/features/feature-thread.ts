import type { MessagePort } from 'node:worker_threads'
import { computeBatch, type BatchClip, type ClipOutcome } from './feature-batch'
import type { SegmentConfig } from './segments'

/** What the pool sends a feature thread: one batch at a time. */
export interface BatchRequest {
  id: number
  clips: BatchClip[]
  config: SegmentConfig
}

/** What a feature thread sends back: that it has loaded, then each batch's outcomes. */
export type ThreadMessage = { type: 'ready' } | { type: 'batch'; id: number; outcomes: ClipOutcome[] }

/**
 * The thread side of the feature pool (main/app/feature-worker.ts starts it): computes each batch it is
 * sent and hands the segments back without copying them.
 */
export function serveFeatureBatches(port: MessagePort): void {
  port.on('message', (request: BatchRequest) => {
    void computeBatch(request.clips, request.config).then(
      (outcomes) => {
        const reply: ThreadMessage = { type: 'batch', id: request.id, outcomes }
        port.postMessage(reply, outcomes.flatMap((o) => ('data' in o ? [o.data.buffer as ArrayBuffer] : [])))
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error)
        const reply: ThreadMessage = { type: 'batch', id: request.id, outcomes: request.clips.map((c) => ({ index: c.index, error: message })) }
        port.postMessage(reply)
      },
    )
  })
  port.postMessage({ type: 'ready' } satisfies ThreadMessage)
}
