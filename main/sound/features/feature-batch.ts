import type { AudioData } from '../../dsp/audio-data'
import { readAudioFile } from '../../dsp/io'
import { sameRateSegments, type SegmentConfig } from './segments'

/** One clip of a batch: its place in the data set's list and its file. */
export interface BatchClip {
  index: number
  path: string
}

/** A clip's segments (count x segmentSize floats), or why it has none. */
export type ClipOutcome = { index: number; count: number; data: Float32Array } | { index: number; error: string }

/**
 * The segments of a batch of clips, each bit for bit clipSegments(readAudioFile(path)): the clips are
 * decoded, then those of one sample rate resampled together (see sameRateSegments). A clip that cannot
 * be read or featurised gets its error; the others are unaffected.
 */
export async function computeBatch(clips: readonly BatchClip[], config: SegmentConfig): Promise<ClipOutcome[]> {
  const outcomes: ClipOutcome[] = []
  const byRate = new Map<number, { index: number; audio: AudioData }[]>()
  for (const clip of clips) {
    try {
      const audio = await readAudioFile(clip.path)
      const group = byRate.get(audio.sampleRate) ?? []
      group.push({ index: clip.index, audio })
      byRate.set(audio.sampleRate, group)
    } catch (error) {
      outcomes.push({ index: clip.index, error: messageOf(error) })
    }
  }
  for (const group of byRate.values()) {
    try {
      const segments = await sameRateSegments(group.map((g) => g.audio), config)
      group.forEach((g, k) => outcomes.push({ index: g.index, count: segments[k]!.count, data: segments[k]!.data }))
    } catch {
      // One clip's failure should not cost its neighbours: each again on its own.
      for (const g of group) {
        try {
          const [segments] = await sameRateSegments([g.audio], config)
          outcomes.push({ index: g.index, count: segments!.count, data: segments!.data })
        } catch (error) {
          outcomes.push({ index: g.index, error: messageOf(error) })
        }
      }
    }
  }
  return outcomes.sort((a, b) => a.index - b.index)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
