import type { AudioInfo } from '../api'
import { describeAudio, readAudioFile, type DecodedAudio } from '../dsp/io'
import { PeakPyramid } from './peak-pyramid'

/** All the editor needs of a file, worked out once when it opens. */
export interface DecodedForEditor {
  audio: DecodedAudio
  info: AudioInfo
  peaks: PeakPyramid
}

export async function decodeForEditor(path: string): Promise<DecodedForEditor> {
  const audio = await readAudioFile(path)
  return { audio, info: describeAudio(audio), peaks: new PeakPyramid(audio.channels) }
}

/** The same across a thread boundary: plain data, its big arrays listed for transfer (no copy). */
export interface DecodedMessage {
  audio: DecodedAudio
  info: AudioInfo
  levels: PeakPyramid['levels']
}

export function toMessage(decoded: DecodedForEditor): { message: DecodedMessage; transfer: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>()
  for (const channel of decoded.audio.channels) buffers.add(channel.buffer as ArrayBuffer)
  for (const levels of decoded.peaks.levels) for (const l of levels) buffers.add(l.min.buffer as ArrayBuffer).add(l.max.buffer as ArrayBuffer)
  return { message: { audio: decoded.audio, info: decoded.info, levels: decoded.peaks.levels }, transfer: [...buffers] }
}

export function fromMessage(message: DecodedMessage): DecodedForEditor {
  return { audio: message.audio, info: message.info, peaks: new PeakPyramid(message.audio.channels, message.levels) }
}
