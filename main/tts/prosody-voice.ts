import type { Voice } from './model/voice-package'

/*
 * Speaking rate and pitch for a trained voice, without retraining: the same voice with every phone's
 * duration divided by `rate` (frames, at least one per phone) and F0 scaled by 2^(semitones / 12) before
 * the vocoder. The voice's other methods are its own (the wrapper's prototype is the voice), so synthesis
 * sees an ordinary Voice.
 */
export function withProsody(voice: Voice, rate: number, semitones: number): Voice {
  if (rate === 1 && semitones === 0) return voice
  const factor = 2 ** (semitones / 12)
  const durations: Voice['durations'] = async (...args) => (await voice.durations(...args)).map((d) => Math.max(1, Math.round(d / rate)))
  const features: Voice['features'] = async (...args) => {
    const out = await voice.features(...args)
    if (factor !== 1) out.f0 = out.f0.map((hz) => hz * factor)
    return out
  }
  return Object.create(voice, { durations: { value: durations }, features: { value: features } }) as Voice
}
