import type { AudioInfo } from '../../api/audio'
import { frameCount } from '../audio-data'
import type { DecodedAudio } from './decoded-audio'
import { peakLevel, rmsLevel } from './levels'
import { integratedLoudness } from './loudness'

/** What a decoded sound is and how loud: the AudioInfo every door reports. */
export function describeAudio(decoded: DecodedAudio): AudioInfo {
  const frames = frameCount(decoded)
  return {
    format: decoded.format,
    encoding: decoded.encoding,
    sampleRate: decoded.sampleRate,
    channels: decoded.channels.length,
    frames,
    duration: frames / decoded.sampleRate,
    peak: peakLevel(decoded),
    rms: rmsLevel(decoded),
    lufs: integratedLoudness(decoded),
  }
}
