import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { compileFunction } from 'node:vm'
import { initBackend } from '../../compute/backend'
import { PerceptError } from '../../core/errors'

/*
 * The face models that ship in @vladmandic/face-api 1.7.15 (SSD MobileNet v1 and Tiny Face Detector,
 * 68-point landmark net, the 128-D face recognition net), run in Node with no network. What was found out about the package:
 *
 * - Its Node builds need packages we do not carry: dist/face-api.node.js requires @tensorflow/tfjs-node,
 *   face-api.node-wasm.js and face-api.esm-nobundle.js the @tensorflow/tfjs union package.
 * - dist/face-api.js is a browser IIFE (`var faceapi = ...`) that bundles its own tfjs 4.22 (the version we
 *   have). Run as a function with Node's `require` in scope it loads in Node, with one trap: its bundled
 *   Node platform takes TextEncoder from a stubbed `util` and throws when IS_NODE is true.
 * - TF.js keeps one engine per process on globalThis (every copy of tfjs-core shares it), so the bundle's
 *   ops run on our engine and our backend. We create the engine first (our tfjs-core, our backend), hide
 *   IS_NODE while the bundle loads (our Node platform is already set) and silence the warnings it gives
 *   as it registers again the stock kernels of the same version. Its kernels replace ours for the stock
 *   names; we then set the backend again, which runs their setup, and (initBackend) reinstall our gradients.
 *   Callers (faces' detection, enhance's lip crops) load this only in their own threads and CLI runs, never
 *   beside training.
 * - Weights are read from the package's model/ folder (resolved from the package, not from a URL).
 * Measured (SSD + landmarks, 1920 x 1280 photo, wasm): about 1 s per photo, 0.1 s per descriptor.
 */

/** The part of face-api's API we use, typed here (the bundle itself is untyped JavaScript). */
export interface FaceApiPoint {
  x: number
  y: number
}
export interface FaceApiResult {
  detection: { score: number; box: { x: number; y: number; width: number; height: number } }
  landmarks: { positions: FaceApiPoint[] }
}
interface FaceApiNet {
  loadFromWeightMap(weights: tf.NamedTensorMap): void
  isLoaded: boolean
}
export interface FaceApi {
  version: string
  nets: { ssdMobilenetv1: FaceApiNet; tinyFaceDetector: FaceApiNet; faceLandmark68Net: FaceApiNet; faceRecognitionNet: FaceApiNet }
  SsdMobilenetv1Options: new (options: { minConfidence?: number; maxResults?: number }) => object
  TinyFaceDetectorOptions: new (options: { inputSize?: number; scoreThreshold?: number }) => object
  detectAllFaces(input: tf.Tensor3D, options: object): { withFaceLandmarks(): PromiseLike<FaceApiResult[]> }
  computeFaceDescriptor(input: tf.Tensor3D | tf.Tensor3D[]): Promise<Float32Array | Float32Array[]>
}

export type FaceModel = 'ssdMobilenetv1' | 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceRecognitionNet'
/** The weight files of each net in the package's model/ folder. */
const MODEL_FILES: Record<FaceModel, string> = {
  ssdMobilenetv1: 'ssd_mobilenetv1_model',
  tinyFaceDetector: 'tiny_face_detector_model',
  faceLandmark68Net: 'face_landmark_68_model',
  faceRecognitionNet: 'face_recognition_model',
}

const requireHere = createRequire(import.meta.url)

/** The installed package's folder; UNAVAILABLE with what to do when it is missing. */
export function faceApiPackageDir(): string {
  try {
    return dirname(requireHere.resolve('@vladmandic/face-api/package.json'))
  } catch {
    throw new PerceptError('UNAVAILABLE', 'The face models (npm package @vladmandic/face-api) are not installed; reinstall the app, or give the face box by hand.')
  }
}

let loading: Promise<FaceApi> | null = null
const loaded = new Map<FaceModel, Promise<void>>()

function loadBundle(): FaceApi {
  const file = join(faceApiPackageDir(), 'dist', 'face-api.js')
  const env = tf.env()
  const before = { IS_NODE: env.getBool('IS_NODE'), PROD: env.getBool('PROD') }
  env.set('IS_NODE', false)
  env.set('PROD', true)
  try {
    const run = compileFunction(`${readFileSync(file, 'utf8')}\nreturn faceapi;`, ['require'], { filename: file })
    return run(requireHere) as FaceApi
  } finally {
    env.set('IS_NODE', before.IS_NODE)
    env.set('PROD', before.PROD)
  }
}

/** face-api, loaded once per thread on our TF.js engine and backend. */
export function faceApi(): Promise<FaceApi> {
  loading ??= (async () => {
    await initBackend()
    const api = loadBundle()
    // Runs the setup of the kernels the bundle registered, and puts our gradients back.
    await tf.setBackend(tf.getBackend())
    await initBackend()
    return api
  })()
  return loading
}

/** Reads one net's weights from the package (manifest + .bin shards) into the net, once per thread. */
export function loadFaceModel(api: FaceApi, model: FaceModel): Promise<void> {
  let pending = loaded.get(model)
  if (!pending) {
    pending = (async () => {
      const dir = join(faceApiPackageDir(), 'model')
      const base = MODEL_FILES[model]
      try {
        const manifest = JSON.parse(await readFile(join(dir, `${base}-weights_manifest.json`), 'utf8')) as tf.io.WeightsManifestConfig
        const specs = manifest.flatMap((group) => group.weights)
        const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))))
        const bytes = Buffer.concat(shards)
        const weights = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs)
        api.nets[model].loadFromWeightMap(weights)
      } catch (error) {
        loaded.delete(model)
        throw new PerceptError('UNAVAILABLE', `The face model ${base} could not be read from ${dir} (${(error as Error).message}); reinstall the app.`)
      }
    })()
    loaded.set(model, pending)
  }
  return pending
}

/** face-api with the named nets loaded. */
export async function faceApiWith(models: readonly FaceModel[]): Promise<FaceApi> {
  const api = await faceApi()
  for (const model of models) await loadFaceModel(api, model)
  return api
}
