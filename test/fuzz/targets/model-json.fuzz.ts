import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ModelMeta } from '../../../main/api/models'
import { checkModelPackage, defaultModelCard, META_FILE, MODEL_FILE, readModelPackage } from '../../../main/compute/model-package'
import { FuzzFailure, type FuzzTarget } from '../target'
import { withTempDir } from '../temp-files'

/**
 * A model package's model.json through the reader that import, check and the model library use
 * (readModelPackage: JSON, then the schema), the default card import writes from it, and `models check`,
 * which makes sample inputs of the declared shapes before it loads the model (not an ONNX file here).
 */

const committed = fileURLToPath(new URL('../../../models/sound/dilated-fixture/model.json', import.meta.url))

const metas: ModelMeta[] = [
  {
    formatVersion: 1,
    name: 'Tiny segmenter',
    task: 'mri-segmentation',
    description: 'Two classes on 16^3 patches.',
    inputs: [{ name: 'volume', shape: ['N', 16, 16, 16, 1], dtype: 'float32', description: 'z-scored intensities' }],
    outputs: [{ name: 'probabilities', shape: ['N', 16, 16, 16, 2], dtype: 'float32' }],
    preprocessing: { spacingMm: [1, 1, 1], orientation: 'RAS', intensity: 'zscore', patch: [16, 16, 16] },
    labels: ['background', 'brain'],
    provenance: { createdAt: '2026-01-02T03:04:05Z', framework: 'tfjs 4.22', metrics: { dice: 0.84 }, runId: 'run-7' },
  },
  {
    formatVersion: 1,
    name: 'generic',
    task: 'generic',
    inputs: [{ name: 'x', shape: [1, 4], dtype: 'int64' }],
    outputs: [{ name: 'y', shape: ['batch'], dtype: 'bool' }],
    preprocessing: {},
    provenance: { createdAt: '2026-01-02T03:04:05.123+01:00' },
  },
]

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)

const target: FuzzTarget = {
  async seeds() {
    const valid = metas[1]!
    return [
      new Uint8Array(await readFile(committed)),
      ...metas.map((meta) => encode(JSON.stringify(meta, null, 2))),
      // Hostile: deep nesting, huge arrays, prototype keys, wrong types.
      encode(JSON.stringify({ ...valid, preprocessing: { deep: 0 } }).replace('{"deep":0}', '{"deep":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}')),
      encode(JSON.stringify({ ...valid, inputs: Array.from({ length: 5_000 }, (_, i) => ({ name: `in${i}`, shape: [i], dtype: 'int9' })) })),
      encode(JSON.stringify({ ...valid, labels: Array.from({ length: 20_000 }, (_, i) => `label ${i}`), outputs: [{ name: 'y', shape: Array(2_000).fill(1), dtype: 'float32' }] })),
      encode(JSON.stringify(valid).replace('"preprocessing":{}', '"preprocessing":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},"__proto__":{"polluted":"yes"}')),
      encode(JSON.stringify({ ...valid, formatVersion: '1', name: 7, inputs: {}, outputs: [null], provenance: { createdAt: 'yesterday', metrics: { a: 'b' } } })),
      encode(JSON.stringify({ ...valid, inputs: [{ name: 'x', shape: [1e308, -1, 0.5, ''], dtype: 'float32' }] })),
      encode(JSON.stringify({ ...valid, inputs: [{ name: 'x', shape: [100_000, 100_000, 'N', 100_000], dtype: 'float64' }] })),
    ]
  },
  async check(bytes) {
    await withTempDir(async (dir) => {
      const pkg = join(dir, 'package')
      await mkdir(pkg)
      await writeFile(join(pkg, META_FILE), bytes)
      await writeFile(join(pkg, MODEL_FILE), 'not read here')
      const { meta } = await readModelPackage(pkg)
      defaultModelCard(meta)
      await checkModelPackage(pkg, { intraOpThreads: 1 })
    })
    if (({} as Record<string, unknown>)['polluted'] !== undefined) throw new FuzzFailure('model.json polluted Object.prototype')
  },
}
export default target
