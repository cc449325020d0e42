import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// What one command writes, the next reads: `esc train --out` a package folder or a .zip, then
// `esc predict --model` that folder, that zip, or the installed id, on the built CLI as a user runs it.
let home: string
let cleanup: () => void
let dataset: string
let wav: string
const classes = ['air_conditioner', 'car_horn', 'children_playing', 'dog_bark', 'drilling', 'engine_idling', 'gun_shot', 'jackhammer', 'siren', 'street_music']

interface Prediction {
  file: string
  model: string
  label: string
  probability: number
  classNames: string[]
  segments: { start: number; end: number; probabilities: number[] }[]
}

const percept = (args: string[]) => runCli(args, { PERCEPT_HOME: home })
/** The smallest training that still makes a real model: one held-out fold, one epoch, two filters a layer. */
const train = (out: string) => percept(['esc', 'train', '--dataset', dataset, '--folds', '1', '--epochs', '1', '--filters', '2,2,2,2', '--out', out, '--json'])

async function predict(model: string): Promise<Prediction> {
  const { code, stdout, stderr } = await percept(['esc', 'predict', wav, '--model', model, '--json'])
  expect(code, stderr).toBe(0)
  const result = JSON.parse(stdout) as Prediction
  expect(result.file).toBe(wav)
  expect(result.classNames).toEqual(classes)
  expect(classes).toContain(result.label)
  expect(result.segments.length).toBeGreaterThan(0)
  for (const segment of result.segments) {
    expect(segment.probabilities).toHaveLength(classes.length)
    expect(segment.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4)
  }
  return result
}

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  dataset = join(home, 'UrbanSound8K')
  const made = await percept(['esc', 'fixture', dataset, '--clips-per-class-per-fold', '1', '--folds', '2'])
  expect(made.code, made.stderr).toBe(0)
  const fold1 = join(dataset, 'audio', 'fold1')
  wav = join(fold1, readdirSync(fold1).sort()[0]!)
}, 60_000)
afterAll(() => cleanup())

describe('esc train --out, then esc predict --model', () => {
  let folderModel: Prediction
  let modelId: string

  it('a folder out is a model package that predict reads, as does the installed id', async () => {
    const out = join(home, 'exports', 'street-model')
    mkdirSync(join(home, 'exports'))
    const trained = await train(out)
    expect(trained.code, trained.stderr).toBe(0)
    modelId = JSON.parse(trained.stdout).modelId
    expect(modelId).toMatch(/^esc-dilated-job-/)
    expect(readdirSync(out).sort()).toEqual(['card.md', 'model.json', 'model.onnx'])
    expect(readdirSync(join(home, 'exports'))).toEqual(['street-model']) // no staging folder left beside it
    const meta = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'))
    expect(meta).toMatchObject({ name: modelId, task: 'sound-classification', labels: classes })

    folderModel = await predict(out)
    expect(folderModel.model).toBe('street-model')
    const installed = await predict(modelId)
    expect(installed.model).toBe(modelId)
    // The same model either way: the folder is the installed package, copied.
    expect(installed.segments).toEqual(folderModel.segments)
    expect(installed.label).toBe(folderModel.label)
  }, 60_000)

  it('a .zip out is a package zip that predict reads', async () => {
    const out = join(home, 'exports', 'street-model.zip')
    const trained = await train(out)
    expect(trained.code, trained.stderr).toBe(0)
    const zipModelId = JSON.parse(trained.stdout).modelId
    expect(zipModelId).not.toBe(modelId)
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK')
    const fromZip = await predict(out)
    expect(fromZip.model).toBe('street-model')
    // The zip holds this run's installed package: both answer alike.
    const installed = await predict(zipModelId)
    expect(fromZip.segments).toEqual(installed.segments)
    const checked = await percept(['models', 'check', out, '--json'])
    expect(checked.code, checked.stderr).toBe(0)
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, problems: [], outputs: [{ shape: [1, classes.length], finite: true }] })
  }, 60_000)

  it('refuses, before training, to write over a folder that is not a model package', async () => {
    const photos = join(home, 'photos')
    mkdirSync(photos)
    writeFileSync(join(photos, 'holiday.jpg'), 'jpeg')
    const runsBefore = readdirSync(join(home, 'runs')).length
    const { code, stderr } = await train(photos)
    expect(code).toBe(1)
    expect(stderr).toContain(`${photos} is a folder that holds other files, not a model package; it is left as it is`)
    expect(readdirSync(photos)).toEqual(['holiday.jpg'])
    expect(readdirSync(join(home, 'runs'))).toHaveLength(runsBefore) // no run was started
  })

  it('names what it tried when --model is neither a package nor an installed id', async () => {
    const { code, stderr } = await percept(['esc', 'predict', wav, '--model', join(home, 'nowhere')])
    expect(code).toBe(1)
    expect(stderr).toContain(`No model "${join(home, 'nowhere')}": there is no package folder or .zip at ${join(home, 'nowhere')}, and no installed model has that id (installed: ${modelId}`)
  })
})
