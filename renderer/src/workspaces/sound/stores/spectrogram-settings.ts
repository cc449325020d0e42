import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SpectrogramSettings } from '../../../../../main/api'
import { defaultSpectrogramSettings } from '../lib/spectrogram-settings'

/** The spectrogram's FFT size, window, axis and dB range, one for every tab; kept with the editor's state. */
export const useSpectrogramSettingsStore = defineStore('spectrogramSettings', () => {
  const settings = ref<SpectrogramSettings>({ ...defaultSpectrogramSettings })

  function update(change: Partial<SpectrogramSettings>): void {
    settings.value = { ...settings.value, ...change }
  }

  return { settings, update }
})
