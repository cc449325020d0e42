// Not the dsp/io index: that loads libsamplerate too (about 0.1 s of every feature thread's start), which features no longer use.
import { readAudioFile } from '../../dsp/io/read-audio'
import { clipSegments, type SegmentConfig } from './segments'

/** One clip of a batch: its place in the data set's list and its file. */
export interface BatchClip {
  index: number
  path: string
}

/** A clip's segments (count x segmentSize floats), or why it has none. */
export type ClipOutcome = { index: number; count: number; data: Float32Array } | { index: number; error: string }

/**
 * The segments of a batch of clips, each clipSegments(readAudioFile(path)), in the batch's order. A clip
 * that cannot be read or featurised gets its error; the others are unaffected.
 */
export async function computeBatch(clips: readonly BatchClip[], config: SegmentConfig): Promise<ClipOutcome[]> {
  const outcomes: ClipOutcome[] = []
  for (const clip of clips) {
    try {
      const segments = await clipSegments(await readAudioFile(clip.path), config)
      outcomes.push({ index: clip.index, count: segments.count, data: segments.data })
    } catch (error) {
      outcomes.push({ index: clip.index, error: error instanceof Error ? error.message : String(error) })
    }
  }
  return outcomes
}
