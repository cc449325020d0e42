import { parentPort } from 'node:worker_threads'
import { serveVocoderParts } from './vocoder-pool'

/**
 * The vocoder thread of vocoder-pool.ts: makes the second part of each sentence's pulses while the calling
 * thread makes the first. Built to out/main/vocoder-worker.js; run from this source through tsx in tests.
 */
serveVocoderParts(parentPort!)
