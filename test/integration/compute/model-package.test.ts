import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import AdmZip from 'adm-zip'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { modelMetaSchema, type ModelMeta } from '../../../main/api/models'
import {
  checkModelPackage,
  exportModelPackage,
  exportModelPackageFolder,
  importModelPackage,
  listModelPackages,
  openModelChoice,
  readModelPackage,
  safePackageName,
  writeModelPackage,
} from '../../../main/compute/model-package'
import { GroupNormalization } from '../../../main/compute/layers'
import {
  encodeModel,
  exportToOnnxWithSignature,
  int64Tensor,
  makeAttribute,
  makeTensor,
  makeValueInfo,
  openOnnxSession,
} from '../../../main/compute/onnx'
import { PerceptError } from '../../../main/core/errors'

let root: string
let modelsDir: string
let onnxBytes: Uint8Array
let meta: ModelMeta

function classifier(): tfl.LayersModel {
  return tfl.sequential({
    name: 'tiny_classifier',
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 6, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }),
      new GroupNormalization({ groups: 2 }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 3, activation: 'softmax', name: 'probabilities' }),
    ],
  })
}

async function rejection(promise: Promise<unknown>): Promise<PerceptError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PerceptError)
    return error as PerceptError
  }
  throw new Error('expected a rejection')
}

/** A graph built by hand (not by our exporter), named the way PyTorch's exporter names things. */
function pytorchLikeOnnx(opts: { nan?: boolean } = {}): Uint8Array {
  const weight = Float32Array.from({ length: 12 }, (_, i) => (i - 6) / 10) // fc.weight [3, 4]
  const bias = Float32Array.from([0.1, -0.2, 0.3])
  const nodes = [
    { name: '/fc/Gemm', opType: 'Gemm', input: ['input.1', 'fc.weight', 'fc.bias'], output: ['/fc/Gemm_output_0'], attribute: [makeAttribute('transB', 1), makeAttribute('alpha', { float: 1 })] },
    { name: '/relu/Relu', opType: 'Relu', input: ['/fc/Gemm_output_0'], output: [opts.nan ? 'relu_out' : 'output'] },
  ]
  if (opts.nan) nodes.push({ name: '/log', opType: 'Log', input: ['neg'], output: ['output'] }, { name: '/neg', opType: 'Sub', input: ['relu_out', 'ten'], output: ['neg'] })
  return encodeModel({
    irVersion: 8,
    producerName: 'pytorch',
    producerVersion: '2.5.0',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'main_graph',
      node: opts.nan ? [nodes[0]!, nodes[1]!, nodes[3]!, nodes[2]!] : nodes,
      initializer: [
        makeTensor('fc.weight', [3, 4], weight),
        makeTensor('fc.bias', [3], bias),
        ...(opts.nan ? [makeTensor('ten', [], Float32Array.from([10]))] : []),
        int64Tensor('unused_shape', [1, 2]),
      ],
      input: [makeValueInfo('input.1', 'float32', ['batch_size', 4])],
      output: [makeValueInfo('output', 'float32', ['batch_size', 3])],
    },
  })
}

function pytorchMeta(overrides: Partial<ModelMeta> = {}): ModelMeta {
  return {
    formatVersion: 1,
    name: 'Torch MLP',
    task: 'generic',
    inputs: [{ name: 'input.1', shape: ['batch_size', 4], dtype: 'float32' }],
    outputs: [{ name: 'output', shape: ['batch_size', 3], dtype: 'float32' }],
    preprocessing: {},
    provenance: { createdAt: '2025-01-02T03:04:05Z', framework: 'pytorch 2.5' },
    ...overrides,
  }
}

/** Writes a package folder by hand (not with writeModelPackage), as another tool would. */
function handPackage(name: string, files: { onnx?: Uint8Array; json?: string; card?: string }): string {
  const dir = join(root, 'incoming', name)
  mkdirSync(dir, { recursive: true })
  if (files.onnx) writeFileSync(join(dir, 'model.onnx'), files.onnx)
  if (files.json !== undefined) writeFileSync(join(dir, 'model.json'), files.json)
  if (files.card !== undefined) writeFileSync(join(dir, 'card.md'), files.card)
  return dir
}

beforeAll(async () => {
  await tf.setBackend('cpu')
  const exported = exportToOnnxWithSignature(classifier())
  onnxBytes = exported.bytes
  meta = {
    formatVersion: 1,
    name: 'Tiny Sound Classifier (test)',
    task: 'sound-classification',
    inputs: exported.inputs.map((i) => ({ ...i, description: 'log-mel patch' })),
    outputs: exported.outputs,
    preprocessing: { sampleRate: 22050, nMels: 6, frames: 8 },
    labels: ['dog', 'rain', 'siren'],
    provenance: { dataset: 'toy', runId: 'run-1', metrics: { accuracy: 0.5 }, createdAt: new Date().toISOString(), framework: 'tfjs 4.22' },
  }
})

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'percept-model-package-'))
  modelsDir = join(root, 'models')
})

afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('writeModelPackage / readModelPackage', () => {
  it('writes the three files atomically and reads them back', async () => {
    const dir = join(root, 'out', 'tiny')
    const written = await writeModelPackage(dir, { onnx: onnxBytes, meta, card: '# Tiny\n' })
    expect(written.id).toBe('tiny')
    expect(readdirSync(dir).sort()).toEqual(['card.md', 'model.json', 'model.onnx'])
    expect(readdirSync(join(root, 'out'))).toEqual(['tiny']) // no temp folder left beside it
    const read = await readModelPackage(dir)
    expect(read.meta).toEqual(meta)
    expect(read.card).toBe('# Tiny\n')
    expect(new Uint8Array(readFileSync(read.onnxPath))).toEqual(onnxBytes)
    expect(modelMetaSchema.parse(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')))).toEqual(meta)
  })

  it('refuses to replace an existing folder unless asked, and generates a card when none is given', async () => {
    const dir = join(root, 'tiny')
    await writeModelPackage(dir, { onnx: onnxBytes, meta })
    expect(readFileSync(join(dir, 'card.md'), 'utf8')).toMatch(/^# Tiny Sound Classifier \(test\)[\s\S]*`conv_input`: float32 \[N, 8, 6, 2\]/)
    const error = await rejection(writeModelPackage(dir, { onnx: onnxBytes, meta }))
    expect(error.message).toMatch(/already exists/)
    await writeModelPackage(dir, { onnx: onnxBytes, meta: { ...meta, name: 'Renamed' }, card: 'new' }, { overwrite: true })
    expect((await readModelPackage(dir)).meta.name).toBe('Renamed')
    expect(readdirSync(root)).toEqual(['tiny'])
  })

  it('validates model.json before writing anything', async () => {
    const bad = { ...meta, inputs: [] } as ModelMeta
    const error = await rejection(writeModelPackage(join(root, 'bad'), { onnx: onnxBytes, meta: bad }))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toMatch(/inputs:/)
    expect(existsSync(join(root, 'bad'))).toBe(false)
    expect(readdirSync(root)).toEqual([])
  })

  it('says what is wrong with a folder that is not a package', async () => {
    expect((await rejection(readModelPackage(join(root, 'missing')))).code).toBe('NOT_FOUND')
    const noJson = handPackage('no-json', { onnx: onnxBytes })
    expect((await rejection(readModelPackage(noJson))).message).toMatch(/has no model\.json/)
    const badJson = handPackage('bad-json', { onnx: onnxBytes, json: '{ "formatVersion": 1,' })
    expect((await rejection(readModelPackage(badJson))).message).toMatch(/model\.json is not valid JSON/)
    const noOnnx = handPackage('no-onnx', { json: JSON.stringify(meta) })
    expect((await rejection(readModelPackage(noOnnx))).message).toMatch(/has no model\.onnx/)
  })
})

describe('importModelPackage', () => {
  it('copies a valid folder into modelsDir under a safe name, then suffixes a second copy', async () => {
    const source = handPackage('src', { onnx: onnxBytes, json: JSON.stringify(meta), card: '# card' })
    const first = await importModelPackage(source, modelsDir)
    expect(first.id).toBe('tiny-sound-classifier-test')
    expect(first.dir).toBe(join(modelsDir, 'tiny-sound-classifier-test'))
    expect(first.meta).toEqual(meta)
    const second = await importModelPackage(source, modelsDir)
    expect(second.id).toBe('tiny-sound-classifier-test-2')
    const error = await rejection(importModelPackage(source, modelsDir, { onExisting: 'error' }))
    expect(error.message).toMatch(/already installed/)
    expect(readdirSync(modelsDir).sort()).toEqual(['tiny-sound-classifier-test', 'tiny-sound-classifier-test-2'])
    expect((await listModelPackages(modelsDir)).map((s) => s.id)).toEqual(['tiny-sound-classifier-test', 'tiny-sound-classifier-test-2'])
    expect(existsSync(source)).toBe(true) // the source is left alone
  })

  it('accepts a hand-made ONNX model named as PyTorch names things, and writes it a card', async () => {
    const source = handPackage('torch', { onnx: pytorchLikeOnnx(), json: JSON.stringify(pytorchMeta()) })
    const imported = await importModelPackage(source, modelsDir, { name: 'My Torch Model!' })
    expect(imported.id).toBe('my-torch-model')
    expect(imported.card).toMatch(/# Torch MLP/)
    const session = await openOnnxSession(imported.onnxPath)
    const x = Float32Array.from([1, 2, 3, 4])
    const out = await session.run({ 'input.1': { data: x, shape: [1, 4] } })
    await session.release()
    // relu(x W^T + b), W[r][c] = (4r + c - 6) / 10
    const reference = [0, 1, 2].map((r) => Math.max(0, [0, 1, 2, 3].reduce((s, c) => s + x[c]! * ((4 * r + c - 6) / 10), 0) + [0.1, -0.2, 0.3][r]!))
    Array.from(out.output!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 5))
  })

  it.each([
    ["declared input 'x' not in the model", pytorchMeta({ inputs: [{ name: 'x', shape: ['batch_size', 4], dtype: 'float32' }] }), /declared input 'x' is not in the model, which has inputs 'input\.1'.*the model's input 'input\.1' is not declared/],
    ['a wrong rank', pytorchMeta({ inputs: [{ name: 'input.1', shape: [4], dtype: 'float32' }] }), /input 'input\.1' is declared with rank 1 \[4\] but the model's has rank 2 \[batch_size, 4\]/],
    ['a wrong dtype', pytorchMeta({ outputs: [{ name: 'output', shape: ['batch_size', 3], dtype: 'int64' }] }), /output 'output' is declared int64 but the model's is float32/],
    ['a wrong fixed size', pytorchMeta({ outputs: [{ name: 'output', shape: ['batch_size', 5], dtype: 'float32' }] }), /output 'output' dimension 1 is declared 5 but the model's is 3/],
  ])('rejects %s, naming it', async (_what, badMeta, message) => {
    const source = handPackage('torch-bad', { onnx: pytorchLikeOnnx(), json: JSON.stringify(badMeta) })
    const error = await rejection(importModelPackage(source, modelsDir))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toMatch(message)
    expect(readdirSync(modelsDir)).toEqual([]) // no staging folder left behind
  })

  it('rejects labels that do not match a classifier output', async () => {
    const source = handPackage('labels', { onnx: onnxBytes, json: JSON.stringify({ ...meta, labels: ['a', 'b'] }) })
    expect((await rejection(importModelPackage(source, modelsDir))).message).toMatch(/lists 2 labels but output 'probabilities' has 3 classes/)
  })

  it('reports schema problems with their path in model.json', async () => {
    const bad = JSON.parse(JSON.stringify(meta))
    bad.inputs[0].shape[1] = -3
    bad.task = 'astrology'
    delete bad.provenance.createdAt
    bad.lables = ['typo']
    const source = handPackage('schema', { onnx: onnxBytes, json: JSON.stringify(bad) })
    const error = await rejection(importModelPackage(source, modelsDir))
    expect(error.code).toBe('VALIDATION')
    expect(error.message.startsWith(`${join(source, 'model.json')} does not match the model.json schema`)).toBe(true)
    expect(error.message).toMatch(/inputs\[0\]\.shape\[1\]/)
    expect(error.message).toMatch(/task:/)
    expect(error.message).toMatch(/provenance\.createdAt/)
    expect(error.message).toMatch(/lables/)
    const paths = (error.details as { issues: { path: string }[] }).issues.map((i) => i.path)
    expect(paths).toContain('inputs[0].shape[1]')
  })

  it('rejects a missing model.json, invalid JSON, a model onnxruntime cannot load, and a missing source', async () => {
    const noJson = handPackage('a', { onnx: onnxBytes })
    expect((await rejection(importModelPackage(noJson, modelsDir))).message).toBe(
      `${noJson} has no model.json; a model package needs model.onnx, model.json and card.md.`,
    )
    expect((await rejection(importModelPackage(handPackage('b', { onnx: onnxBytes, json: 'nope' }), modelsDir))).message).toMatch(/not valid JSON/)
    const junk = handPackage('c', { onnx: new TextEncoder().encode('not onnx'), json: JSON.stringify(meta) })
    const junkError = await rejection(importModelPackage(junk, modelsDir))
    expect(junkError.message).toMatch(/onnxruntime cannot load/)
    expect(junkError.message).toContain(join(junk, 'model.onnx'))
    expect(junkError.message).not.toMatch(/\.tmp/)
    expect((await rejection(importModelPackage(join(root, 'nothing-here'), modelsDir))).code).toBe('NOT_FOUND')
    expect(readdirSync(modelsDir)).toEqual([])
  })

  it('refuses symbolic links inside a package folder', async () => {
    const source = handPackage('linked', { onnx: onnxBytes, json: JSON.stringify(meta) })
    symlinkSync('/etc/hostname', join(source, 'card.md'))
    expect((await rejection(importModelPackage(source, modelsDir))).message).toMatch(/symbolic link/)
  })
})

describe('zips', () => {
  it('exports a package as a zip that imports back', async () => {
    const dir = join(root, 'pkg', 'tiny')
    await writeModelPackage(dir, { onnx: onnxBytes, meta, card: '# Tiny card\n' })
    const zipPath = join(root, 'tiny.zip')
    const exported = await exportModelPackage(dir, zipPath)
    expect(exported.bytes).toBe(readFileSync(zipPath).length)
    const names = new AdmZip(zipPath).getEntries().map((e) => e.entryName).sort()
    expect(names).toEqual(['tiny/card.md', 'tiny/model.json', 'tiny/model.onnx'])
    const imported = await importModelPackage(zipPath, modelsDir)
    expect(imported.meta).toEqual(meta)
    expect(imported.card).toBe('# Tiny card\n')
    expect(new Uint8Array(readFileSync(imported.onnxPath))).toEqual(onnxBytes)
  })

  it('imports a zip with the files at its root', async () => {
    const zip = new AdmZip()
    zip.addFile('model.onnx', Buffer.from(pytorchLikeOnnx()))
    zip.addFile('model.json', Buffer.from(JSON.stringify(pytorchMeta())))
    zip.addFile('__MACOSX/._model.onnx', Buffer.from('x'))
    const zipPath = join(root, 'flat.zip')
    zip.writeZip(zipPath)
    expect((await importModelPackage(zipPath, modelsDir)).id).toBe('torch-mlp')
  })

  it('rejects a zip without model.onnx', async () => {
    const zip = new AdmZip()
    zip.addFile('pkg/model.json', Buffer.from(JSON.stringify(meta)))
    zip.addFile('pkg/card.md', Buffer.from('# card'))
    const zipPath = join(root, 'no-onnx.zip')
    zip.writeZip(zipPath)
    const error = await rejection(importModelPackage(zipPath, modelsDir))
    expect(error.message).toMatch(/no-onnx\.zip has no model\.onnx in pkg\//)
    expect(readdirSync(modelsDir)).toEqual([])
  })

  it.each([['../evil.txt'], ['pkg/../../evil.txt'], ['/tmp/evil.txt'], ['..\\evil.txt'], ['C:/evil.txt']])(
    'rejects the zip-slip entry %s and writes nothing outside',
    async (entryName) => {
      const zip = new AdmZip()
      zip.addFile('model.onnx', Buffer.from(onnxBytes))
      zip.addFile('model.json', Buffer.from(JSON.stringify(meta)))
      zip.addFile('placeholder', Buffer.from('evil'))
      // adm-zip cleans names given to addFile, so set the raw name on the entry as an attacker's tool would.
      zip.getEntry('placeholder')!.entryName = entryName
      const zipPath = join(root, 'slip.zip')
      zip.writeZip(zipPath)
      expect(new AdmZip(zipPath).getEntries().map((e) => e.entryName)).toContain(entryName)
      const error = await rejection(importModelPackage(zipPath, modelsDir))
      expect(error.code).toBe('VALIDATION')
      expect(error.message).toMatch(/zip-slip/)
      expect(existsSync(join(root, 'evil.txt'))).toBe(false)
      expect(readdirSync(modelsDir)).toEqual([])
    },
  )

  it('rejects a file that is not a zip', async () => {
    const zipPath = join(root, 'fake.zip')
    writeFileSync(zipPath, 'PK? no')
    expect((await rejection(importModelPackage(zipPath, modelsDir))).message).toMatch(/fake\.zip is not a readable zip/)
  })
})

describe('exportModelPackageFolder', () => {
  it('writes the package folder that readModelPackage reads back, leaving nothing beside it', async () => {
    const dir = join(root, 'models', 'tiny')
    await writeModelPackage(dir, { onnx: onnxBytes, meta, card: '# Tiny card\n' })
    const target = join(root, 'out', 'my-model')
    mkdirSync(join(root, 'out'))
    expect(await exportModelPackageFolder(dir, target)).toEqual({ dir: target, meta })
    expect(readdirSync(join(root, 'out'))).toEqual(['my-model'])
    expect(readdirSync(target).sort()).toEqual(['card.md', 'model.json', 'model.onnx'])
    const back = await readModelPackage(target)
    expect(back.meta).toEqual(meta)
    expect(back.card).toBe('# Tiny card\n')
    expect(new Uint8Array(readFileSync(back.onnxPath))).toEqual(onnxBytes)
  })

  it('replaces an empty folder or an earlier package, and refuses a folder of other files untouched', async () => {
    const dir = join(root, 'models', 'tiny')
    await writeModelPackage(dir, { onnx: onnxBytes, meta: { ...meta, name: 'New' } })
    const empty = join(root, 'empty')
    mkdirSync(empty)
    await exportModelPackageFolder(dir, empty)
    expect((await readModelPackage(empty)).meta.name).toBe('New')
    const earlier = join(root, 'earlier')
    await writeModelPackage(earlier, { onnx: onnxBytes, meta: { ...meta, name: 'Old' } })
    await exportModelPackageFolder(dir, earlier)
    expect((await readModelPackage(earlier)).meta.name).toBe('New')

    const photos = join(root, 'photos')
    mkdirSync(photos)
    writeFileSync(join(photos, 'holiday.jpg'), 'jpeg')
    const refused = await rejection(exportModelPackageFolder(dir, photos))
    expect(refused.code).toBe('VALIDATION')
    expect(refused.message).toBe(`${photos} is a folder that holds other files, not a model package; it is left as it is: choose a new or empty folder, or a name ending in .zip.`)
    expect(readdirSync(photos)).toEqual(['holiday.jpg'])
    writeFileSync(join(root, 'a-file'), 'x')
    expect((await rejection(exportModelPackageFolder(dir, join(root, 'a-file')))).message).toMatch(/is a file; a model package is a folder/)
    expect(readdirSync(root).sort()).toEqual(['a-file', 'earlier', 'empty', 'models', 'photos']) // no staging folders left
  })
})

describe('openModelChoice', () => {
  it('reads a package folder, a package zip and an installed id as the same model, named as given', async () => {
    const installed = join(modelsDir, 'tiny')
    await writeModelPackage(installed, { onnx: onnxBytes, meta })
    const folder = join(root, 'exported-folder')
    await exportModelPackageFolder(installed, folder)
    const zipPath = join(root, 'Exported.ZIP')
    await exportModelPackage(installed, zipPath)

    const byFolder = await openModelChoice(folder, modelsDir)
    const byZip = await openModelChoice(zipPath, modelsDir)
    const byId = await openModelChoice('tiny', modelsDir)
    expect([byFolder, byZip, byId].map((c) => [c.source, c.pkg.id, c.pkg.meta])).toEqual([
      ['folder', 'exported-folder', meta],
      ['zip', 'Exported', meta],
      ['installed', 'tiny', meta],
    ])
    for (const chosen of [byFolder, byZip, byId]) expect(new Uint8Array(readFileSync(chosen.pkg.onnxPath))).toEqual(onnxBytes)
    const unpacked = byZip.pkg.dir
    expect(existsSync(unpacked)).toBe(true)
    await byZip.release()
    expect(existsSync(unpacked)).toBe(false)
    await byFolder.release()
    expect(existsSync(folder)).toBe(true) // releasing a folder choice leaves the folder alone
  })

  it('says what was tried when nothing fits, and refuses a file that is no zip', async () => {
    await writeModelPackage(join(modelsDir, 'tiny'), { onnx: onnxBytes, meta })
    const missing = await rejection(openModelChoice('nope', modelsDir))
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toBe(
      `No model "nope": there is no package folder or .zip at ${join(process.cwd(), 'nope')}, and no installed model has that id (installed: tiny). ` +
        'Give a package folder, a package .zip, or an id from `percept models list`.',
    )
    expect((await rejection(openModelChoice('tiny', join(root, 'elsewhere')))).message).toMatch(/\(none is installed\)/)
    // An "id" that climbs out of the models folder is no id: the package beside it is not reached.
    await writeModelPackage(join(root, 'outside'), { onnx: onnxBytes, meta })
    expect((await rejection(openModelChoice('../outside', modelsDir))).code).toBe('NOT_FOUND')
    writeFileSync(join(root, 'notes.txt'), 'x')
    expect((await rejection(openModelChoice(join(root, 'notes.txt'), modelsDir))).message).toMatch(/is a file but not a \.zip/)
    writeFileSync(join(root, 'fake.zip'), 'PK? no')
    const fake = await rejection(openModelChoice(join(root, 'fake.zip'), modelsDir))
    expect(fake.message).toMatch(/fake\.zip is not a readable zip/)
  })
})

describe('checkModelPackage', () => {
  it('runs an exported model on a sample input and reports shapes, timing and finiteness', async () => {
    const dir = join(root, 'tiny')
    await writeModelPackage(dir, { onnx: onnxBytes, meta })
    const report = await checkModelPackage(dir, { dims: { N: 2 } })
    expect(report.ok).toBe(true)
    expect(report.problems).toEqual([])
    expect(report.inputs).toEqual([{ name: 'conv_input', shape: [2, 8, 6, 2], dtype: 'float32' }])
    expect(report.outputs).toHaveLength(1)
    const out = report.outputs[0]!
    expect(out).toMatchObject({ name: 'probabilities', shape: [2, 3], dtype: 'float32', finite: true, matchesDeclared: true })
    expect(out.min!).toBeGreaterThanOrEqual(0)
    expect(out.max!).toBeLessThanOrEqual(1)
    expect(report.loadMs).toBeGreaterThan(0)
    expect(report.runMs).toBeGreaterThan(0)
  })

  it('gives symbolic dimensions the size 1 and fills zeros when asked', async () => {
    const dir = join(root, 'torch')
    await writeModelPackage(dir, { onnx: pytorchLikeOnnx(), meta: pytorchMeta() })
    const report = await checkModelPackage(dir, { fill: 'zeros' })
    expect(report.ok).toBe(true)
    expect(report.inputs[0]!.shape).toEqual([1, 4])
    // zeros in: relu(bias) = [0.1, 0, 0.3]
    expect(report.outputs[0]).toMatchObject({ shape: [1, 3], finite: true, min: 0 })
    expect(report.outputs[0]!.max).toBeCloseTo(0.3, 6)
  })

  it('flags NaN outputs', async () => {
    const dir = join(root, 'nan')
    await writeModelPackage(dir, { onnx: pytorchLikeOnnx({ nan: true }), meta: pytorchMeta() })
    const report = await checkModelPackage(dir)
    expect(report.ok).toBe(false)
    expect(report.outputs[0]!.finite).toBe(false)
    expect(report.problems).toContain("output 'output' has NaN or infinite values")
  })
})

describe('safePackageName', () => {
  it.each([
    ['Tiny Sound Classifier (test)', 'tiny-sound-classifier-test'],
    ['Ünïcödé Módel', 'unicode-model'],
    ['../../etc/passwd', 'etc-passwd'],
    ['...', 'model'],
    ['CON', 'model-con'],
    ['a'.repeat(100), 'a'.repeat(64)],
  ])('%s -> %s', (name, expected) => {
    expect(safePackageName(name)).toBe(expected)
  })
})
