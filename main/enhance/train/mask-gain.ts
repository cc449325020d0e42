import { MASK_THRESHOLD } from './measures'

/*
 * How a model's mask output becomes the gains applied to the noisy STFT (resynthesis.ts), shared by
 * `percept enhance eval` and the enhancer so both hear the same thing:
 *  - binary: 1 where the output is >= 0.5 (the IBM estimate), else the floor;
 *  - soft: floor + (1 - floor) * output, the sigmoid output read as how sure the model is that a unit is speech.
 * The floor, a gain of -10 dB (0.316), is the usual maximum attenuation of speech enhancers: a unit the model
 * wrongly calls noise is turned down, not deleted. Why it is needed, measured on held-out fixture mixtures:
 * on an unseen noise recording a model may call every unit noise; with gain 0 that clip's SI-SDR fell to about
 * -40 dB and the mean over the test part with it, while SI-SDR and STOI are blind to a uniform gain, so a floored
 * mask never scores below the noisy clip by much when the model is wrong everywhere. The IBM oracle is applied
 * as the paper's hard 0/1 mask (the reference, not an estimate). Stored in the package as preprocessing.gainFloor.
 */

export const GAIN_FLOOR = 10 ** (-10 / 20)

export type MaskGainKind = 'binary' | 'soft'

/** The gain of one mask output. */
export function maskGain(output: number, kind: MaskGainKind, floor = GAIN_FLOOR): number {
  if (kind === 'binary') return output >= MASK_THRESHOLD ? 1 : floor
  return floor + (1 - floor) * output
}
