import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openModelChoice, readModelPackage, type ChosenModel } from '../compute/model-package'
import { PerceptError } from '../core/errors'
import { ENHANCE_MODELS } from './model/enhance-net'

/*
 * Which mask model `percept enhance run` uses: a package folder, its .zip or an installed id (as every
 * model choice of the app), or one of the bundled models by its kind, models/enhance/<unimodal |
 * multimodal | mburst>. Without a choice: the bundled Unimodal model for audio alone, the bundled
 * Multimodal one when lips are given (the back-propagation model the paper compares MBURST against;
 * MBURST is one `--model mburst` away).
 */

export const BUNDLED_ENHANCE_DOMAIN = 'enhance'

export function defaultEnhanceModel(withLips: boolean): 'unimodal' | 'multimodal' {
  return withLips ? 'multimodal' : 'unimodal'
}

/** Opens the chosen package; NOT_FOUND naming what was tried when a bundled model is missing. */
export async function resolveEnhanceModel(choice: string | undefined, modelsDir: string, bundledDir: string | null, withLips: boolean): Promise<ChosenModel> {
  const name = choice ?? defaultEnhanceModel(withLips)
  const isKind = (ENHANCE_MODELS as readonly string[]).includes(name) && !existsSync(resolve(name))
  if (!isKind) return openModelChoice(name, modelsDir)
  const dir = bundledDir ? join(bundledDir, BUNDLED_ENHANCE_DOMAIN, name) : null
  if (!dir || !existsSync(join(dir, 'model.onnx'))) {
    throw new PerceptError(
      'NOT_FOUND',
      `The bundled ${name} model is not in this installation (models/enhance/${name}). Train one with \`percept enhance train --dataset <corpus> --model ${name}\` ` +
        'and pass its id or folder with --model.',
    )
  }
  return { pkg: { ...(await readModelPackage(dir)), id: `bundled/${name}` }, source: 'bundled', release: async () => {} }
}
