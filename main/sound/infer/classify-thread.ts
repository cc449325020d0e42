import type { ModelMeta } from '../../api'
import { inAudioThread } from '../../audio/audio-thread'
import { openOnnxSession, type OnnxSessionCache } from '../../compute/onnx/onnx-session'
import type { JobWorkerEntry } from '../../core/jobs/worker-entry'
import type { AudioData } from '../../dsp/audio-data'
import { classifySound, type SoundClassification } from './classify'

/** One sound to classify with one package: its samples, the package's model file and model.json. */
export interface ClassifyTask {
  audio: AudioData
  onnxPath: string
  meta: ModelMeta
}

/** Runs classifySound for a task, in this thread or another. */
export type ClassifyRunner = (task: ClassifyTask) => Promise<SoundClassification>

/** In this thread, with the caller's session cache (tests, and the default where no thread is set up). */
export function inThreadClassifier(sessions: OnnxSessionCache): ClassifyRunner {
  return ({ audio, onnxPath, meta }) => classifySound(audio, { run: (feeds, names) => sessions.run(onnxPath, feeds, names) }, meta)
}

/** The thread's side: its own session for the task, released after. */
export async function classifyHere({ audio, onnxPath, meta }: ClassifyTask): Promise<SoundClassification> {
  const session = await openOnnxSession(onnxPath)
  try {
    return await classifySound(audio, session, meta)
  } finally {
    await session.release()
  }
}

/** What the audio worker is asked to classify. */
export interface ClassifyThreadTask {
  classify: ClassifyTask
}

/**
 * Each task in a thread of its own started from `entry` (main/app/audio-worker.ts): features and
 * onnxruntime for up to 10 minutes of audio take seconds, which the core's thread spends answering
 * other calls instead. The samples are copied to the thread (the open sound keeps its own).
 */
export function threadClassifier(entry: JobWorkerEntry): ClassifyRunner {
  return (task) => inAudioThread<SoundClassification>(entry, { classify: task } satisfies ClassifyThreadTask, 'classifying the sound')
}
