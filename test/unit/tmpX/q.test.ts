import { it } from 'vitest'
import { buildReferenceCnn } from '../../../main/compute/reference-cnn'
import { exportToOnnx, decodeModel } from '../../../main/compute/onnx'

it('dump graph', async () => {
  await (await import('../../../main/compute/backend')).useBackend('cpu')
  const m = buildReferenceCnn({ seed: 1, compile: false })
  const g = decodeModel(exportToOnnx(m)).graph!
  for (const n of g.node!) console.log(n.opType, n.input!.join(','), '->', n.output!.join(','), (n.attribute ?? []).map((a) => a.name).join(' '))
  console.log(g.input!.map((i) => i.name), g.output!.map((i) => i.name))
})
