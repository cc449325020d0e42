import { it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { buildReferenceCnn } from '../../../main/compute/reference-cnn'
import { exportToOnnx } from '../../../main/compute/onnx'
import { openOnnxSession } from '../../../main/compute/onnx/onnx-session'
import { calibrationGraph, calibrationNames, quantiseConvs, type ValueRange } from '../../../main/compute/onnx/quantise-conv'

it('int8 conv speed', async () => {
  await useBackend('cpu')
  const m = buildReferenceCnn({ seed: 1, compile: false })
  const bytes = exportToOnnx(m)
  const names = calibrationNames(bytes)
  const feedOf = (f: (i: number) => number) => ({ conv0_input: { data: new Float32Array(32 * 64 * 41 * 2).map((_, i) => f(i)), shape: [32, 64, 41, 2] } })
  const cal = await openOnnxSession(calibrationGraph(bytes, names))
  const outs = await cal.run(feedOf((i) => Math.sin(i * 0.37)))
  const ranges = new Map<string, ValueRange>()
  for (const n of names) { const d = outs[n]!.data as Float32Array; let min = Infinity, max = -Infinity; for (const v of d) { min = Math.min(min, v); max = Math.max(max, v) } ranges.set(n, { min, max }) }
  console.log([...ranges].map(([k, v]) => `${k} ${v.min.toFixed(3)} ${v.max.toFixed(3)}`).join('\n'))
  const q = quantiseConvs(bytes, ranges)
  const fs = await openOnnxSession(bytes)
  const qs = await openOnnxSession(q.bytes)
  const test = feedOf((i) => Math.sin(i))
  const a = (await fs.run(test)).dense!.data as Float32Array
  const b = (await qs.run(test)).dense!.data as Float32Array
  let maxd = 0, agree = 0
  for (let i = 0; i < a.length; i++) maxd = Math.max(maxd, Math.abs(a[i]! - b[i]!))
  for (let r = 0; r < 32; r++) { const am = (x: Float32Array) => { let k = 0; for (let c = 1; c < 10; c++) if (x[r * 10 + c]! > x[r * 10 + k]!) k = c; return k }; if (am(a) === am(b)) agree++ }
  console.log('convs', q.convs, 'max prob diff', maxd, 'agree', agree)
  for (const [name, s] of [['fp32', fs], ['int8', qs], ['fp32', fs], ['int8', qs]] as const) {
    for (let i = 0; i < 3; i++) await s.run(test)
    const times: number[] = []
    for (let i = 0; i < 15; i++) { const t = performance.now(); await s.run(test); times.push(performance.now() - t) }
    times.sort((x, y) => x - y)
    console.log(name, 'median ms', times[7]!.toFixed(1), 'best', times[0]!.toFixed(1))
  }
}, 300000)
