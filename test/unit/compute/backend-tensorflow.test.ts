/**
 * Which package gives the `tensorflow` backend: @tensorflow/tfjs-node-gpu when it loads, else
 * @tensorflow/tfjs-node. Neither is installed here, so the selection is checked with a loader that stands
 * in for packages that are present, absent or broken, and once with the real loader (both absent).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { backendNotes, initBackend, probeBackends, tensorflowBinding } from '../../../main/compute/backend'
import {
  describeTensorflowBinding,
  loadTensorflowPackage,
  tensorflowPackages,
  type ModuleLoader,
} from '../../../main/compute/backend-tensorflow'
import { PerceptError } from '../../../main/core/errors'

/** A loader where `present` import, `broken` fail as a native library would, and the rest are not installed. */
function fakeLoader(present: string[], broken: Record<string, string> = {}): { load: ModuleLoader; tried: string[] } {
  const tried: string[] = []
  const load: ModuleLoader = async (name) => {
    tried.push(name)
    if (present.includes(name)) return {}
    if (broken[name]) throw new Error(broken[name])
    throw Object.assign(new Error(`Cannot find package '${name}' imported from /app/out/main/index.js`), { code: 'ERR_MODULE_NOT_FOUND' })
  }
  return { load, tried }
}

const saved = process.env.PERCEPT_BACKEND
afterEach(() => {
  if (saved === undefined) delete process.env.PERCEPT_BACKEND
  else process.env.PERCEPT_BACKEND = saved
})

describe('the tensorflow backend package', () => {
  it('tries the GPU package first, then the CPU one', () => {
    expect(tensorflowPackages).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])
  })

  it('takes tfjs-node-gpu when it is installed, without touching tfjs-node', async () => {
    const { load, tried } = fakeLoader(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])
    const binding = await loadTensorflowPackage(load)
    expect(binding.package).toBe('@tensorflow/tfjs-node-gpu')
    expect(binding.failures).toEqual({})
    expect(tried).toEqual(['@tensorflow/tfjs-node-gpu'])
    expect(describeTensorflowBinding({ ...binding, version: '4.22.0', gpu: true })).toBe('@tensorflow/tfjs-node-gpu 4.22.0, on the GPU')
    expect(describeTensorflowBinding({ ...binding, version: '4.22.0', gpu: false })).toBe('@tensorflow/tfjs-node-gpu 4.22.0, on the CPU')
  })

  it('falls back to tfjs-node when the GPU package is absent', async () => {
    const { load, tried } = fakeLoader(['@tensorflow/tfjs-node'])
    const binding = await loadTensorflowPackage(load)
    expect(binding.package).toBe('@tensorflow/tfjs-node')
    expect(binding.failures).toEqual({ '@tensorflow/tfjs-node-gpu': 'not installed' })
    expect(tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])
    expect(describeTensorflowBinding(binding)).toBe('@tensorflow/tfjs-node')
  })

  it('falls back to tfjs-node when the GPU package is installed but its CUDA libraries do not load, and says so', async () => {
    const { load } = fakeLoader(['@tensorflow/tfjs-node'], {
      '@tensorflow/tfjs-node-gpu': 'libcudart.so.11.0: cannot open shared object file: No such file or directory\n    at Module._extensions',
    })
    const binding = await loadTensorflowPackage(load)
    expect(binding.package).toBe('@tensorflow/tfjs-node')
    expect(binding.failures['@tensorflow/tfjs-node-gpu']).toBe('libcudart.so.11.0: cannot open shared object file: No such file or directory')
    expect(describeTensorflowBinding({ ...binding, gpu: false })).toBe(
      '@tensorflow/tfjs-node, on the CPU (@tensorflow/tfjs-node-gpu: libcudart.so.11.0: cannot open shared object file: No such file or directory)',
    )
  })

  it('reports both packages when neither is installed', async () => {
    const binding = await loadTensorflowPackage(fakeLoader([]).load)
    expect(binding).toEqual({
      package: null,
      version: null,
      gpu: null,
      failures: { '@tensorflow/tfjs-node-gpu': 'not installed', '@tensorflow/tfjs-node': 'not installed' },
    })
    expect(describeTensorflowBinding(binding)).toBe('@tensorflow/tfjs-node-gpu: not installed; @tensorflow/tfjs-node: not installed')
  })

  it('with the real loader here (neither package installed): probe, notes and a forced tensorflow say why', async () => {
    const real = await loadTensorflowPackage()
    if (real.package !== null) return // a machine with a native package: nothing to refuse
    expect(real.failures).toEqual({ '@tensorflow/tfjs-node-gpu': 'not installed', '@tensorflow/tfjs-node': 'not installed' })
    delete process.env.PERCEPT_BACKEND
    const probe = await probeBackends()
    expect(probe.available).not.toContain('tensorflow')
    expect(probe.missing.tensorflow).toBe('@tensorflow/tfjs-node-gpu: not installed; @tensorflow/tfjs-node: not installed')
    expect(tensorflowBinding()?.package).toBeNull()
    const notes = backendNotes(probe)
    expect(notes.tensorflow).toBe('@tensorflow/tfjs-node-gpu: not installed; @tensorflow/tfjs-node: not installed (see README, "GPU training")')
    expect(notes.cpu).toBe('plain JavaScript')
    process.env.PERCEPT_BACKEND = 'tensorflow'
    const error = await initBackend().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PerceptError)
    expect((error as PerceptError).message).toContain('PERCEPT_BACKEND=tensorflow, but the tensorflow TF.js backend cannot load here: @tensorflow/tfjs-node-gpu: not installed')
  })
})
