import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/*
 * The voice `tts say` speaks with when none is named: models/tts/<name>/ of the app's bundled models
 * (scripts/train-bundled-voice.sh writes it). `bundledVoiceName` first; else the first package by name,
 * so a voice a person drops beside it is found too.
 */

export const bundledVoiceName = 'slt-fixture'

/** The bundled voice's package folder under the bundled models' root, or null when none ships. */
export function bundledVoiceIn(modelsRoot: string | null): string | null {
  const dir = modelsRoot ? join(modelsRoot, 'tts') : null
  if (!dir || !existsSync(dir)) return null
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'model.json')))
    .map((e) => e.name)
    .sort()
  const name = names.includes(bundledVoiceName) ? bundledVoiceName : names[0]
  return name ? join(dir, name) : null
}
