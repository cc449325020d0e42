import { parentPort, workerData } from 'node:worker_threads'
import { PerceptError } from '../../main/core/errors'
import type { FuzzTarget } from './target'

/*
 * Runs one target's checks in a worker thread, so that the runner can stop a hang (terminate) and bound
 * the heap (resourceLimits) without losing its own state. Messages: {id, bytes} in; {id, failure?, memory} out.
 */

const { targetUrl } = workerData as { targetUrl: string }
const target = ((await import(targetUrl)) as { default: FuzzTarget }).default

function describe(error: unknown): string {
  if (error instanceof PerceptError) return `PerceptError ${error.code}: ${error.message}`
  if (error instanceof Error) return `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}`
  return `threw ${String(error)}`
}

parentPort!.on('message', async ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  let failure: string | undefined
  try {
    await target.check(bytes)
  } catch (error) {
    if (!(error instanceof PerceptError) || error.code === 'INTERNAL') failure = describe(error)
  }
    const { heapUsed, arrayBuffers } = process.memoryUsage()
  parentPort!.postMessage({ id, failure, memory: heapUsed + arrayBuffers })
})
parentPort!.postMessage({ ready: true })
