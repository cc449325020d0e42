import type { SpectrogramSettings } from '../../../../../main/api'

/**
 * The spectrogram settings the panel offers and starts from. The renderer takes main/api as types
 * only, so these mirror main/api/spectrogram-settings.ts; the types keep each value one the core accepts.
 */
export const defaultSpectrogramSettings: SpectrogramSettings = { fftSize: 2048, window: 'hann', axis: 'mel', rangeDb: 80 }

export const spectrogramChoices: { [K in keyof SpectrogramSettings]: ReadonlyArray<SpectrogramSettings[K]> } = {
  fftSize: [512, 1024, 2048, 4096],
  window: ['hann', 'hamming'],
  axis: ['mel', 'linear'],
  rangeDb: [60, 80, 100, 120],
}
