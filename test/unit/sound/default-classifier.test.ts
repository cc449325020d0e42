import { describe, expect, it } from 'vitest'
import { defaultSoundClassifier } from '../../../main/sound/infer/default-classifier'

const urban = ['air_conditioner', 'car_horn', 'dog_bark', 'siren']
const pkg = (id: string, labels: string[], createdAt: string) => ({ id, meta: { labels, provenance: { createdAt } } })
const bundled = pkg('bundled/dilated-fixture', urban, '2026-01-01T00:00:00.000Z')

describe('the default sound classifier', () => {
  it('is the newest installed one trained on the bundled model classes (in any order), over the bundled one', () => {
    const older = pkg('esc-dilated-a', urban, '2026-02-01T00:00:00.000Z')
    const newer = pkg('esc-dilated-b', [...urban].reverse(), '2026-03-01T00:00:00.000Z')
    const other = pkg('esc50', ['rain', 'dog', 'clock', 'siren'], '2026-04-01T00:00:00.000Z')
    expect(defaultSoundClassifier([older, other, newer], [bundled])).toBe(newer)
  })

  it('stays the bundled one when the installed ones answer other classes', () => {
    const other = pkg('esc50', ['rain', 'dog', 'clock', 'siren'], '2026-04-01T00:00:00.000Z')
    const fewer = pkg('three', urban.slice(0, 3), '2026-04-02T00:00:00.000Z')
    expect(defaultSoundClassifier([other, fewer], [bundled])).toBe(bundled)
  })

  it('without a bundled one, is the newest installed; with nothing, none', () => {
    const a = pkg('a', ['x'], '2026-02-01T00:00:00.000Z')
    const b = pkg('b', ['y'], '2026-03-01T00:00:00.000Z')
    expect(defaultSoundClassifier([a, b], [])).toBe(b)
    expect(defaultSoundClassifier([], [])).toBeUndefined()
  })

  it('for a sound inside a data set, is the newest model trained on that data set\'s classes, installed or bundled', () => {
    const esc = ['rain', 'dog', 'clock', 'siren']
    const escOld = pkg('esc50-a', esc, '2026-04-01T00:00:00.000Z')
    const escNew = pkg('esc50-b', [...esc].reverse(), '2026-05-01T00:00:00.000Z')
    const urbanTrained = pkg('urban', urban, '2026-06-01T00:00:00.000Z')
    expect(defaultSoundClassifier([escOld, urbanTrained, escNew], [bundled], esc)).toBe(escNew)
    // The bundled model answers for its own data set's sounds when nothing newer was trained on them.
    expect(defaultSoundClassifier([escOld], [bundled], urban)).toBe(bundled)
    // No model for that data set's classes: the usual default.
    expect(defaultSoundClassifier([escOld, urbanTrained], [bundled], ['a', 'b'])).toBe(urbanTrained)
    expect(defaultSoundClassifier([escOld, urbanTrained], [bundled], null)).toBe(urbanTrained)
  })
})
