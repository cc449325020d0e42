import { parentPort } from 'node:worker_threads'
import { serveFeatureBatches } from '../sound/features/feature-thread'

/**
 * A thread of a training job's feature pool (main/sound/features/feature-pool.ts): decodes, resamples
 * and featurises the batches of clips it is sent. Built to out/main/feature-worker.js; run from this
 * source through tsx in tests.
 */
serveFeatureBatches(parentPort!)
