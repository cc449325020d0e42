import * as tf from '@tensorflow/tfjs-core'
import { spectrumBins } from '../vocoder/defaults'
import { buildMlp, variablesOf, type DenseLayer } from './mlp'
import { autoEncoderLayers, buildTiedAutoEncoder, type TiedAutoEncoder } from './tied-autoencoder'
import { acousticDims, frameInputSize, phoneInputSize, postFilterContext, type VoiceSystem, type VoiceWidths } from './voice-config'

/*
 * Every network of a system, built from the widths and the run's seed (each network its own seed offset, so
 * adding the MDNN's networks leaves the baseline's initial weights as they were).
 */

export interface VoiceNetworks {
  system: VoiceSystem
  duration: DenseLayer[]
  acoustic: DenseLayer[]
  /** MDNN only. */
  autoencoder?: TiedAutoEncoder
  /** Frame features -> bottleneck codes (MDNN only). */
  bottleneck?: DenseLayer[]
  postFilter?: DenseLayer[]
}

export function buildVoiceNetworks(system: VoiceSystem, widths: VoiceWidths, seed: number): VoiceNetworks {
  const nets: VoiceNetworks = {
    system,
    duration: buildMlp(phoneInputSize, widths.duration, 1, 'linear', seed * 7 + 1),
    acoustic: buildMlp(frameInputSize, widths.acoustic, acousticDims, 'linear', seed * 7 + 2),
  }
  if (system === 'mdnn') {
    const code = widths.autoencoder[widths.autoencoder.length - 1]!
    nets.autoencoder = buildTiedAutoEncoder(spectrumBins, widths.autoencoder, seed * 7 + 3)
    nets.bottleneck = buildMlp(frameInputSize, widths.bottleneck, code, 'sigmoid', seed * 7 + 4)
    const segment = postFilterContext * spectrumBins
    nets.postFilter = buildMlp(segment, widths.postFilter, segment, 'sigmoid', seed * 7 + 5)
  }
  return nets
}

/** The stacked spectral network (Fig. 3, step 3): the bottleneck DNN, then the auto-encoder's decoder. */
export function spectralLayers(nets: VoiceNetworks): DenseLayer[] {
  if (!nets.bottleneck || !nets.autoencoder) throw new Error('Internal error: the baseline system has no spectral network.')
  return [...nets.bottleneck, ...nets.autoencoder.decoder]
}

/** Every variable of the voice in a fixed order (what a checkpoint holds). */
export function voiceVariables(nets: VoiceNetworks): tf.Variable[] {
  return variablesOf([...nets.duration, ...nets.acoustic, ...(nets.autoencoder ? autoEncoderLayers(nets.autoencoder) : []), ...(nets.bottleneck ?? []), ...(nets.postFilter ?? [])])
}

export function disposeVoiceNetworks(nets: VoiceNetworks): void {
  tf.dispose(voiceVariables(nets))
}
