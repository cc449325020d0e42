import { describe, expect, it } from 'vitest'
import { decodeModel, int8WeightSteps, openOnnxSession } from '../../../../main/compute/onnx'
import { initBackend } from '../../../../main/compute/backend'
import { predictRows } from '../../../../main/tts/model/mlp'
import { quantiseColumns, quantiseDenseGraph } from '../../../../main/tts/model/quantised-graph'
import { exportVoiceGraphs } from '../../../../main/tts/train/install-voice'
import { buildVoiceNetworks, disposeVoiceNetworks } from '../../../../main/tts/model/voice-networks'

describe('int8 voice graphs', () => {
  it('quantises each column symmetrically to 127 steps of its largest |weight|', () => {
    // Columns [1, -0.5, 0.25] and [0, 0, -2]: scales 1/127 and 2/127.
    const { codes, scales } = quantiseColumns(Float32Array.of(1, 0, -0.5, 0, 0.25, -2), 3, 2, 127)
    expect(Array.from(scales)).toEqual([Math.fround(1 / 127), Math.fround(2 / 127)])
    expect(Array.from(codes)).toEqual([127, 0, -64, 0, 32, -127]) // -63.5 rounds to -64 (Math.round: half up), 31.75 -> 32
  })

  it('replaces every large MatMul + bias Add by DynamicQuantizeMatMul and stays within 1 % of float32 (2 % with 7-bit weights)', async () => {
    await initBackend()
    const nets = buildVoiceNetworks('dnn', { duration: [8], acoustic: [256, 256], autoencoder: [8, 4], bottleneck: [8], postFilter: [8] }, 3)
    try {
      const graph = exportVoiceGraphs(nets).acoustic!
      const quantised = quantiseDenseGraph(graph.bytes)
      const ops = decodeModel(quantised).graph!.node!.map((n) => n.opType)
      // 266 x 256, 256 x 256 and 256 x 187 are all above the 16,384-weight floor: three fused nodes, no MatMul or Add left.
      expect(ops.filter((o) => o === 'DynamicQuantizeMatMul')).toHaveLength(3)
      expect(ops).not.toContain('MatMul')
      expect(ops).not.toContain('Add')
      expect(quantised.length).toBeLessThan(graph.bytes.length / 3)
      const count = 64
      const rows = Float32Array.from({ length: count * 266 }, (_, i) => Math.sin(i * 0.37))
      const expected = predictRows(graph.layers, rows, count)
      const session = await openOnnxSession(quantised)
      try {
        const got = (await session.run({ [graph.inputs[0]!.name]: { data: rows, shape: [count, 266] } }))[graph.outputs[0]!.name]!.data as Float32Array
        let scale = 0
        let worst = 0
        for (let i = 0; i < expected.length; i++) (scale = Math.max(scale, Math.abs(expected[i]!))), (worst = Math.max(worst, Math.abs(got[i]! - expected[i]!)))
        expect(worst).toBeGreaterThan(0) // it is 8-bit arithmetic
        // 7-bit weights (x86 without VNNI: int8-weight-steps.ts) have half the steps, so twice the error.
        expect(worst / scale).toBeLessThan(int8WeightSteps() === 127 ? 0.01 : 0.02)
      } finally {
        await session.release()
      }
    } finally {
      disposeVoiceNetworks(nets)
    }
  })

  it('leaves matrices below the floor in float32', async () => {
    await initBackend()
    const nets = buildVoiceNetworks('dnn', { duration: [8], acoustic: [8], autoencoder: [8, 4], bottleneck: [8], postFilter: [8] }, 3)
    try {
      const graph = exportVoiceGraphs(nets).duration! // 262 x 8 and 8 x 1
      const ops = decodeModel(quantiseDenseGraph(graph.bytes)).graph!.node!.map((n) => n.opType)
      expect(ops.filter((o) => o === 'MatMul')).toHaveLength(2)
      expect(ops).not.toContain('DynamicQuantizeMatMul')
    } finally {
      disposeVoiceNetworks(nets)
    }
  })
})
