import { z } from 'zod'

/**
 * How the editor's spectrogram is computed and shown: the FFT size, the analysis window (those the
 * core's DSP has), a mel or linear frequency axis, and the dB range the colours span below the
 * sound's loudest cell. Kept with the editor's state; the core renders tiles and probes with it.
 */
export const spectrogramSettingsSchema = z
  .object({
    fftSize: z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]),
    window: z.enum(['hann', 'hamming']),
    axis: z.enum(['mel', 'linear']),
    rangeDb: z.union([z.literal(60), z.literal(80), z.literal(100), z.literal(120)]),
  })
  .strict()
export type SpectrogramSettings = z.infer<typeof spectrogramSettingsSchema>

/** ~46 ms at 44.1 kHz, the editor's long-standing look; 80 dB is librosa's top_db. */
export const defaultSpectrogramSettings: SpectrogramSettings = { fftSize: 2048, window: 'hann', axis: 'mel', rangeDb: 80 }
