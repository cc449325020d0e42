import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SoundEditorState } from '../../../main/api'
import { EditorStateFile } from '../../../main/audio/editor-state'
import { tempHome } from '../../helpers/temp-home'

let home: string
let cleanup: () => void
beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(() => cleanup())

function state(label = 'dog bark'): SoundEditorState {
  return {
    formatVersion: 1,
    activeKey: 't1',
    tabs: [
      {
        key: 't1',
        versions: [
          { path: '/sounds/a.wav', name: 'a.wav', id: 's01', classification: null },
          { path: '/sounds/b.wav', name: 'b.wav', classification: null },
        ],
        activeIndex: 1,
        regions: [
          { id: 'r1', start: 1.25, end: 2.5, label },
          { id: 'r2', start: 3, end: 3, label: 'Marker 1' },
        ],
        selectedId: 'r1',
        selection: null,
        gainDb: -3.5,
        matchLoudness: false,
        view: { start: 0.5, pxPerSec: 400 },
        unsaved: true,
      },
    ],
  }
}

describe("the editor's state file", () => {
  it('reads nothing, and no warning, before anything was saved', async () => {
    expect(await new EditorStateFile(join(home, 'sound-editor.json')).read()).toEqual({ state: null, warning: null })
  })

  it('writes atomically and reads back what it wrote, the last write winning', async () => {
    const path = join(home, 'sound-editor.json')
    const file = new EditorStateFile(path)
    // Not awaited one by one: writes keep their order.
    await Promise.all([file.write(state('first')), file.write(state('second'))])
    expect((await file.read()).state?.tabs[0]?.regions[0]?.label).toBe('second')
    expect(await new EditorStateFile(path).read()).toEqual({ state: state('second'), warning: null })
    // No temporary file is left beside it.
    expect(readdirSync(home)).toEqual(['sound-editor.json'])
  })

  it('refuses to write a state that would not read back', async () => {
    const file = new EditorStateFile(join(home, 'sound-editor.json'))
    const bad = { ...state(), tabs: [{ ...state().tabs[0]!, versions: [] }] }
    await expect(file.write(bad)).rejects.toThrow(/not valid/)
    expect(existsSync(file.path)).toBe(false)
  })

  it('sets a damaged file aside with a warning rather than failing', async () => {
    const path = join(home, 'sound-editor.json')
    const warnings: string[] = []
    writeFileSync(path, '{"formatVersion": 1, "tabs": [')
    const torn = await new EditorStateFile(path, (message) => warnings.push(message)).read()
    expect(torn.state).toBeNull()
    expect(torn.warning).toMatch(/could not be read \(it is not valid JSON .*\), so the editor starts empty\. It was kept as sound-editor\.json\.damaged\./)
    expect(warnings).toEqual([torn.warning])
    expect(readFileSync(`${path}.damaged`, 'utf8')).toBe('{"formatVersion": 1, "tabs": [')
    expect(existsSync(path)).toBe(false)

    // Parses, but does not fit: a region with a negative start.
    const wrong = state()
    wrong.tabs[0]!.regions[0]!.start = -1
    writeFileSync(path, JSON.stringify(wrong))
    const unfit = await new EditorStateFile(path).read()
    expect(unfit.state).toBeNull()
    expect(unfit.warning).toMatch(/\(tabs\.0\.regions\.0\.start: .*\)/)
  })
})
