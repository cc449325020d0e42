import { PerceptError } from '../../core/errors'
import { cheapTrick } from './spectral-envelope'
import { d4c } from './aperiodicity'
import { framePeriodMs, vocoderFftSize, type VocoderFeatures } from './defaults'
import { estimateF0, type F0Options } from './f0'

/** The whole analysis of a mono signal: F0 (DIO + StoneMask + LoveTrain), CheapTrick envelope, D4C aperiodicity. */
export function analyse(signal: ArrayLike<number>, sampleRate: number, options: F0Options & { fftSize?: number } = {}): VocoderFeatures {
  const x = Float64Array.from(signal)
  if (x.some((v) => !Number.isFinite(v))) throw new PerceptError('VALIDATION', 'The signal holds NaN or infinite samples; fix or re-export the recording.')
  const period = options.framePeriodMs ?? framePeriodMs
  const fftSize = options.fftSize ?? vocoderFftSize
  const { times, f0 } = estimateF0(x, sampleRate, options)
  const spectrum = cheapTrick(x, sampleRate, times, f0, { fftSize })
  const { aperiodicity } = d4c(x, sampleRate, times, f0, { fftSize, threshold: 0 })
  return { sampleRate, framePeriodMs: period, f0, spectrum, aperiodicity }
}
