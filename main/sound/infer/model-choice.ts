import { existsSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PerceptError } from '../../core/errors'
import { listBundledPackages, listModelPackages, openModelChoice, readModelPackage, type ChosenModel } from '../../compute/model-package'
import { defaultSoundClassifier } from './default-classifier'
import { soundExtensions } from '../dataset'
import { datasetClassesOf } from '../dataset/dataset-classes'

/**
 * The sound classifier to use: a package folder, a package .zip (unpacked until `release`), or the id
 * of one installed in the workspace; by default the one the Sound page uses for `soundPath`
 * (defaultSoundClassifier: one trained on the classes of the data set the sound lies in, else the newest
 * installed one trained on the bundled model's classes, else the bundled one).
 * A package for another task is refused, saying which task it is for.
 */
export async function resolveSoundModel(choice: string | undefined, modelsDir: string, bundledDir: string | null = null, soundPath?: string): Promise<ChosenModel> {
  if (choice) {
    const chosen = await openModelChoice(choice, modelsDir)
    if (chosen.pkg.meta.task !== 'sound-classification') {
      await chosen.release()
      throw new PerceptError('VALIDATION', `${choice} is a ${chosen.pkg.meta.task} model, not a sound classifier: give one trained with percept esc train.`)
    }
    return chosen
  }
  const sound = <T extends { meta: { task: string } }>(list: T[]): T[] => list.filter((p) => p.meta.task === 'sound-classification')
  const installed = existsSync(modelsDir) ? sound(await listModelPackages(modelsDir)) : []
  const classes = soundPath ? await datasetClassesOf(soundPath) : null
  const newest = defaultSoundClassifier(installed, sound(await listBundledPackages(bundledDir, 'sound')), classes)
  if (!newest) throw new PerceptError('NOT_FOUND', 'No sound classifier is installed: train one (percept esc train) or pass --model <package folder, .zip or id>.')
  return { pkg: await readModelPackage(newest.dir), source: newest.bundled ? 'bundled' : 'installed', release: async () => {} }
}

/** The file itself, or every sound file under a folder (recursively, sorted). */
export async function soundFilesUnder(path: string): Promise<string[]> {
  if (!existsSync(path)) throw new PerceptError('NOT_FOUND', `${path} does not exist.`)
  if (!statSync(path).isDirectory()) return [path]
  const entries = await readdir(path, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((e) => e.isFile() && soundExtensions.includes(e.name.slice(e.name.lastIndexOf('.')).toLowerCase()))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort()
  if (!files.length) throw new PerceptError('NOT_FOUND', `No sound files (${soundExtensions.join(', ')}) under ${path}.`)
  return files
}
