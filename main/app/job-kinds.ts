import type { JobKind } from '../core/jobs/kind'
import { locateJobWorker } from '../core/jobs/worker-entry'
import { demoCount } from '../compute/demo/demo-count'
import { demoTrain } from '../compute/demo/demo-train'
import { soundTrainKind } from '../sound/train/cross-validate'
import { enhanceTrainKind } from '../enhance/train/train-job'
import { enhanceRunKind } from '../enhance/run-job'
import { enhanceMixtureKind } from '../enhance/mixture-job'
import { enhanceEvalKind } from '../enhance/eval-job'
import { facesEvaluateKind } from '../faces/evaluate-job'
import { facesDetectKind } from '../faces/detect/detect-job'
import { mriTrainKind } from '../mri/segmentation/train/train-job'
import { ttsTrainKind } from '../tts/train/train-job'
import { ttsSynthesizeKind } from '../tts/synthesis-job'
import { ttsListeningKind } from '../tts/listening/prepare-job'

/**
 * Every job kind of the app. The composition root hands their specs to the JobRunner (main thread) and
 * the worker entry (main/app/job-worker.ts) runs them, so both sides always know the same kinds.
 * A domain adds its kinds here (e.g. `sound.train`), each defined with defineJobKind beside its code.
 */
export const jobKinds: readonly JobKind[] = [
  demoCount,
  demoTrain,
  // Features on every core, in threads started from main/app/feature-worker.ts (built beside this file).
  soundTrainKind({ entry: locateJobWorker(import.meta.url, 'feature-worker') }),
  mriTrainKind,
  enhanceTrainKind,
  enhanceRunKind,
  enhanceMixtureKind,
  enhanceEvalKind,
  facesEvaluateKind,
  facesDetectKind,
  ttsTrainKind,
  ttsSynthesizeKind,
  ttsListeningKind,
]
