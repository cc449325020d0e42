import { z } from 'zod'
import { soundEditorStateSchema } from './sound-editor-state'
import { spectrogramSettingsSchema } from './spectrogram-settings'

/** What `percept audio info` prints and what opening a sound reports. */
export const audioInfoSchema = z.object({
  /** Container: wav, flac, mp3 or ogg. */
  format: z.enum(['wav', 'flac', 'mp3', 'ogg']),
  /** Sample encoding in the file: pcm8, pcm16, pcm24, pcm32, float32, float64, flac, mp3, vorbis. */
  encoding: z.string(),
  sampleRate: z.number().int().positive(),
  channels: z.number().int().positive(),
  frames: z.number().int().nonnegative(),
  /** Seconds. */
  duration: z.number().nonnegative(),
  /** Largest absolute sample, linear full scale (1 = 0 dBFS), over all channels. */
  peak: z.number().nonnegative(),
  /** Root mean square over all channels and frames, linear full scale. */
  rms: z.number().nonnegative(),
  /** Integrated loudness (ITU-R BS.1770-4 / EBU R128), LUFS; null when every block is gated out (silence, < 400 ms). */
  lufs: z.number().nullable(),
})
export type AudioInfo = z.infer<typeof audioInfoSchema>

export const audioLabelSchema = z.object({
  /** Seconds; a point marker has end === start. */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  label: z.string(),
})
export type AudioLabel = z.infer<typeof audioLabelSchema>

export const openSoundSchema = z.object({
  /** Handle for the other audio.* methods; valid until audio.close or the app stops. */
  id: z.string(),
  path: z.string(),
  name: z.string(),
  info: audioInfoSchema,
  /** Where the renderer plays it from, relative to the page: `res/audio/<id>/media` (see below). */
  media: z.string(),
})
export type OpenSound = z.infer<typeof openSoundSchema>

const soundId = z.object({ id: z.string().min(1) })

/**
 * Binary resources: large arrays never cross a door as JSON. Both doors serve GET requests under
 * `res/` relative to the page (the web door behind its token, Electron on app://), and the
 * renderer fetches them as ArrayBuffers:
 *
 * - `res/audio/<id>/media`: the sound as the browser plays it (Range requests honoured): the file
 *   itself where the browser can play its format, else a WAV rendition.
 * - `res/audio/<id>/peaks?start=S&end=E&buckets=N`: little-endian float32, per channel N minima
 *   then N maxima ([channel][min|max][bucket]). A bucket holding no whole frame (zoomed past the
 *   samples) has min === max === the sample under it. Header `X-Frames-Per-Bucket`.
 * - `res/audio/<id>/spectrogram?start=S&end=E&columns=N&mels=M[&fft=F&window=W&axis=A&range=R]`: M x N
 *   bytes, row 0 the lowest band (mel, or linear with axis=linear), 0 = the minimum dB, 255 = the
 *   maximum (power_to_db, ref 1, of the mono mixdown; the range R dB below the sound's loudest cell,
 *   default 80). Headers `X-Min-Db`, `X-Max-Db`.
 * S and E are seconds (E clamped to the duration). Errors: 4xx with a plain-text message.
 */
export const audioResourceLimits = { maxBuckets: 16384, maxColumns: 4096, minMels: 8, maxMels: 256 } as const

export const recentSoundSchema = z.object({ path: z.string(), name: z.string(), openedAt: z.string() })
export type RecentSound = z.infer<typeof recentSoundSchema>

export const wavEncodingSchema = z.enum(['pcm16', 'pcm24', 'float32'])

export const audioMethods = {
  'audio.open': {
    description: 'Decode a sound file (WAV, FLAC, MP3, Ogg Vorbis) and keep it open for viewing and playback.',
    input: z
      .object({
        path: z.string().min(1),
        /** A handle this file had (kept in the editor's state): answered as is while it is still open, without decoding again. */
        reuse: z.string().min(1).optional(),
      })
      .strict(),
    output: openSoundSchema,
  },
  'audio.close': {
    description: 'Release an open sound.',
    input: soundId.strict(),
    output: z.object({ closed: z.boolean() }),
  },
  'audio.export': {
    description: 'Write the whole sound or a range as WAV, with an optional gain (dB); atomic.',
    input: soundId
      .extend({
        path: z.string().min(1),
        start: z.number().nonnegative().optional(),
        end: z.number().positive().optional(),
        gainDb: z.number().min(-96).max(48).optional(),
        encoding: wavEncodingSchema.optional(),
      })
      .strict(),
    output: z.object({ path: z.string(), frames: z.number().int(), clipped: z.number().int() }),
  },
  'audio.spectrogram.probe': {
    description: 'The level in dB of one spectrogram cell (the band holding hz, at the frame centred on time) as the tiles of these settings and rows show it.',
    input: soundId
      .extend({
        time: z.number().nonnegative(),
        hz: z.number().nonnegative(),
        rows: z.number().int().min(8).max(256),
        settings: spectrogramSettingsSchema,
      })
      .strict(),
    output: z.object({
      /** Seconds at the frame's centre. */
      time: z.number(),
      row: z.number().int(),
      /** The band's edges and centre, Hz. */
      lowHz: z.number(),
      highHz: z.number(),
      centreHz: z.number(),
      /** power_to_db, ref 1, not clipped. */
      db: z.number(),
    }),
  },
  'audio.labels.read': {
    description: 'Read an Audacity label track (text: start, end, label, tab-separated).',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: z.object({ labels: z.array(audioLabelSchema) }),
  },
  'audio.labels.write': {
    description: 'Write labels as an Audacity label track; atomic.',
    input: z.object({ path: z.string().min(1), labels: z.array(audioLabelSchema) }).strict(),
    output: z.object({ path: z.string(), count: z.number().int() }),
  },
  'audio.editor.get': {
    description: "The Sound editor's saved state (open tabs, versions, regions, view, results); null when none or unreadable (warning says why).",
    input: z.object({}).strict(),
    output: z.object({ state: soundEditorStateSchema.nullable(), warning: z.string().nullable() }),
  },
  'audio.editor.save': {
    description: "Keep the Sound editor's state in the workspace; atomic.",
    input: z.object({ state: soundEditorStateSchema }).strict(),
    output: z.object({ saved: z.boolean() }),
  },
  'audio.recent': {
    description: 'Sound files opened lately, newest first.',
    input: z.object({}).strict(),
    output: z.array(recentSoundSchema),
  },
} as const
