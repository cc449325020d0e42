import { open } from 'node:fs/promises'
import type { AudioInfo } from '../api'
import { readAudioFile, type DecodedSamples } from '../dsp/io'
import { readWavFile } from '../dsp/io/wav'
import type { JobWorkerEntry } from '../core/jobs/worker-entry'
import { PeakPyramid } from './peak-pyramid'
import { ScanThread } from './scan-thread'
import { scanDecoded, SoundScan, type ScanResult } from './sound-scan'

/** All the editor needs of a file, worked out once when it opens. */
export interface DecodedForEditor {
  /** 8- and 16-bit PCM WAV in int16 channels (samples.ts), everything else float32. */
  audio: DecodedSamples
  info: AudioInfo
  peaks: PeakPyramid
}

/** readAudioFile's limit (Node reads at most 2 GiB into one buffer), kept for WAV read in pieces too. */
const maxFileBytes = 2 ** 31 - 1
/** Below this many bytes of WAV data (about 3 minutes of 44.1 kHz stereo 16-bit) a second thread costs more than it saves. */
const scanThreadBytes = 32 * 2 ** 20

export interface EditorDecodeOptions {
  /** Where a second thread measures a long WAV while this one decodes it (main/app/audio-worker.ts); none: this thread does both. */
  scanThread?: JobWorkerEntry
}

/**
 * Decodes a file and measures it (describeAudio's levels and loudness, the peak pyramid), to the same
 * bits as decoding it whole and describing it. A WAV file is read a piece at a time and each piece
 * measured as it is decoded, a long one in a second thread (scan-thread.ts); anything else, and every
 * file that is not a plain readable WAV, goes through readAudioFile, which also words every refusal.
 */
export async function decodeForEditor(path: string, options: EditorDecodeOptions = {}): Promise<DecodedForEditor> {
  let audio: DecodedSamples
  let scanned: ScanResult
  const size = await wavFileSize(path)
  if (size !== null && options.scanThread && size >= scanThreadBytes) {
    const entry = options.scanThread
    const scanning: { thread?: ScanThread } = {}
    try {
      audio = await readWavFile(path, { shared: true, compact: true, onPiece: (decoded, _from, to) => (scanning.thread ??= new ScanThread(entry, decoded)).report(to) })
    } catch (error) {
      scanning.thread?.abort()
      throw error
    }
    scanned = scanning.thread ? await scanning.thread.finish() : new SoundScan(audio).finish()
  } else if (size !== null) {
    const scanning: { scan?: SoundScan } = {}
    audio = await readWavFile(path, { compact: true, onPiece: (decoded, _from, to) => (scanning.scan ??= new SoundScan(decoded)).add(to) })
    scanned = (scanning.scan ?? new SoundScan(audio)).finish()
  } else {
    audio = await readAudioFile(path)
    scanned = scanDecoded(audio)
  }
  return { audio, info: describe(audio, scanned), peaks: new PeakPyramid(audio.channels, scanned.levels) }
}

/** The size of a regular file within the size limit that starts with a RIFF/RIFX/RF64 WAVE header; else null. */
async function wavFileSize(path: string): Promise<number | null> {
  let handle
  try {
    handle = await open(path, 'r')
    const info = await handle.stat()
    if (!info.isFile() || info.size > maxFileBytes) return null
    const head = new Uint8Array(12)
    const { bytesRead } = await handle.read(head, 0, 12, 0)
    const text = (at: number) => String.fromCharCode(...head.subarray(at, at + 4))
    return bytesRead === 12 && ['RIFF', 'RIFX', 'RF64'].includes(text(0)) && text(8) === 'WAVE' ? info.size : null
  } catch {
    return null // readAudioFile says why
  } finally {
    await handle?.close()
  }
}

/** describeAudio's AudioInfo, its levels from the scan. */
function describe(audio: DecodedSamples, scanned: ScanResult): AudioInfo {
  const frames = audio.channels[0]?.length ?? 0
  return {
    format: audio.format,
    encoding: audio.encoding,
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    frames,
    duration: frames / audio.sampleRate,
    peak: scanned.peak,
    rms: scanned.rms,
    lufs: scanned.lufs,
  }
}

/** The same across a thread boundary: plain data, its big arrays listed for transfer (no copy). */
export interface DecodedMessage {
  audio: DecodedSamples
  info: AudioInfo
  levels: PeakPyramid['levels']
}

export function toMessage(decoded: DecodedForEditor): { message: DecodedMessage; transfer: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>()
  // Shared channels (measured in a second thread) are shared with the receiver, not moved.
  for (const channel of decoded.audio.channels) if (!(channel.buffer instanceof SharedArrayBuffer)) buffers.add(channel.buffer)
  for (const levels of decoded.peaks.levels) for (const l of levels) buffers.add(l.min.buffer as ArrayBuffer).add(l.max.buffer as ArrayBuffer)
  return { message: { audio: decoded.audio, info: decoded.info, levels: decoded.peaks.levels }, transfer: [...buffers] }
}

export function fromMessage(message: DecodedMessage): DecodedForEditor {
  return { audio: message.audio, info: message.info, peaks: new PeakPyramid(message.audio.channels, message.levels) }
}
