import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelMeta } from '../../../main/api/models'
import { checkModelPackage } from '../../../main/compute/model-package'
import { PerceptError } from '../../../main/core/errors'

// Found by fuzzing model.json and model.onnx (test/fuzz/targets): `models check` allocated its sample input
// from the declared shape alone, so [100000, 100000, 100000] threw a RangeError and smaller absurd shapes
// took gigabytes. It is refused before anything is allocated or loaded.

let root = ''
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'percept-check-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function packageWithInput(name: string, shape: ModelMeta['inputs'][number]['shape'], dtype: 'float32' | 'float64'): Promise<string> {
  const meta: ModelMeta = {
    formatVersion: 1,
    name,
    task: 'generic',
    inputs: [
      { name: 'small', shape: [1, 4], dtype: 'float32' },
      { name: 'big', shape, dtype },
    ],
    outputs: [{ name: 'y', shape: [1], dtype: 'float32' }],
    preprocessing: {},
    provenance: { createdAt: '2026-01-01T00:00:00Z' },
  }
  const dir = join(root, name)
  await mkdir(dir)
  await writeFile(join(dir, 'model.json'), JSON.stringify(meta))
  // Never loaded: the refusal comes first.
  await writeFile(join(dir, 'model.onnx'), 'not an ONNX model')
  return dir
}

async function refusal(dir: string, options: Parameters<typeof checkModelPackage>[1] = {}): Promise<PerceptError> {
  const error = await checkModelPackage(dir, options).then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PerceptError)
  return error as PerceptError
}

describe('checkModelPackage with a declared input too large to sample', () => {
  it('refuses 10^15 values, naming the input by position', async () => {
    const error = await refusal(await packageWithInput('huge', [100_000, 100_000, 'N', 100_000], 'float64'))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toBe(
      'model.json declares input 2 with 1000000000000000 values (its shape multiplied out); a check runs the model on at most 67108864. Declare the sizes the model really takes.',
    )
  })

  it('refuses a symbolic size given too large', async () => {
    const error = await refusal(await packageWithInput('symbolic', ['N', 3], 'float32'), { dims: { N: 2 ** 25 } })
    expect(error.message).toMatch(/^model\.json declares input 2 with 100663296 values/)
  })
})
