import { describe, expect, it } from 'vitest'
import type { FileEntry } from '../../../main/api'
import { chartColors, formatTick } from '../../../renderer/src/workspaces/runs/lib/chart-theme'
import { baseName, describeFilter, isChoosable, listKeyTarget, pendingChoice, typeaheadIndex } from '../../../renderer/src/lib/file-browser'
import { trapTabTarget } from '../../../renderer/src/lib/focus'
import {
  formatBytes,
  formatDuration,
  formatElapsed,
  formatJson,
  formatNumber,
  formatPercent,
  formatShape,
} from '../../../renderer/src/lib/format'
import { markdownToHtml, renderModelCard } from '../../../renderer/src/workspaces/models/lib/markdown'
import { describeCheck, describeLabels, importPathFor, provenanceMetrics } from '../../../renderer/src/workspaces/models/lib/models'

function entry(name: string, kind: FileEntry['kind'], folder = '/home/ada'): FileEntry {
  return { name, path: `${folder}/${name}`, kind, size: kind === 'file' ? 10 : null, modifiedAt: '2026-01-01T00:00:00Z' }
}

describe('file browser logic', () => {
  it('chooses the selected entry when the mode allows it, else the folder shown', () => {
    const zip = entry('model.zip', 'file')
    const pkg = entry('pkg', 'folder')
    expect(pendingChoice('/home/ada', zip, 'any')).toEqual({ path: '/home/ada/model.zip', kind: 'file', folder: '/home/ada' })
    expect(pendingChoice('/home/ada', pkg, 'any')).toEqual({ path: '/home/ada/pkg', kind: 'folder', folder: '/home/ada' })
    expect(pendingChoice('/home/ada', null, 'any')).toEqual({ path: '/home/ada', kind: 'folder', folder: '/home/ada' })
    expect(pendingChoice('/home/ada', zip, 'folder')).toEqual({ path: '/home/ada', kind: 'folder', folder: '/home/ada' })
    expect(pendingChoice('/home/ada', pkg, 'file')).toBeNull()
    expect(pendingChoice('/home/ada', zip, 'file')?.path).toBe('/home/ada/model.zip')
    expect(pendingChoice(null, zip, 'any')).toBeNull()
    expect([isChoosable(pkg, 'file'), isChoosable(zip, 'folder'), isChoosable(zip, 'any')]).toEqual([false, false, true])
  })

  it('finds entries by typed prefix, cycling on a repeated letter', () => {
    const names = ['data', 'Downloads', 'models', 'music', 'notes.txt']
    expect(typeaheadIndex(names, -1, 'm')).toBe(2)
    expect(typeaheadIndex(names, 2, 'm')).toBe(3)
    expect(typeaheadIndex(names, 3, 'm')).toBe(2)
    expect(typeaheadIndex(names, 0, 'do')).toBe(1)
    expect(typeaheadIndex(names, 0, 'x')).toBe(-1)
    expect(typeaheadIndex([], 0, 'a')).toBe(-1)
  })

  it('moves the selection with arrows (stopping at the ends), Home/End and PageUp/PageDown', () => {
    expect(listKeyTarget('ArrowDown', -1, 5, 3)).toBe(0)
    expect(listKeyTarget('ArrowDown', 4, 5, 3)).toBe(4)
    expect(listKeyTarget('ArrowUp', 0, 5, 3)).toBe(0)
    expect(listKeyTarget('ArrowUp', -1, 5, 3)).toBe(4)
    expect([listKeyTarget('Home', 3, 5, 3), listKeyTarget('End', 0, 5, 3)]).toEqual([0, 4])
    expect([listKeyTarget('PageDown', -1, 5, 3), listKeyTarget('PageDown', 3, 5, 3), listKeyTarget('PageUp', 2, 5, 3)]).toEqual([3, 4, 0])
    expect(listKeyTarget('Enter', 1, 5, 3)).toBeNull()
    expect(listKeyTarget('ArrowDown', -1, 0, 3)).toBeNull()
  })

  it('describes the filter and names paths on either kind of separator', () => {
    expect(describeFilter(['zip', 'onnx'])).toBe('Showing folders and .zip, .onnx files')
    expect(describeFilter(undefined)).toBe('Showing all files')
    expect(baseName('/home/ada/pkg/')).toBe('pkg')
    expect(baseName('C:\\Users\\ada\\model.zip')).toBe('model.zip')
    expect(baseName('/')).toBe('/')
  })

  it('wraps Tab inside a focus trap', () => {
    expect(trapTabTarget(2, 3, false)).toBe(0)
    expect(trapTabTarget(0, 3, true)).toBe(2)
    expect(trapTabTarget(1, 3, false)).toBe(2)
    expect(trapTabTarget(-1, 3, false)).toBe(0)
    expect(trapTabTarget(-1, 3, true)).toBe(2)
    expect(trapTabTarget(-1, 0, false)).toBe(-1)
  })
})

describe('model package logic', () => {
  it('imports a package folder when its model.json or model.onnx is chosen, else the choice itself', () => {
    expect(importPathFor({ path: '/x/pkg/model.json', kind: 'file', folder: '/x/pkg' })).toBe('/x/pkg')
    expect(importPathFor({ path: '/x/pkg/model.ONNX', kind: 'file', folder: '/x/pkg' })).toBe('/x/pkg')
    expect(importPathFor({ path: '/x/pkg.zip', kind: 'file', folder: '/x' })).toBe('/x/pkg.zip')
    expect(importPathFor({ path: '/x/pkg', kind: 'folder', folder: '/x' })).toBe('/x/pkg')
  })

  it('describes labels, metrics and checks', () => {
    expect(describeLabels({ labels: ['a', 'b', 'c'] })).toBe('3 labels')
    expect(describeLabels({ labels: ['inside'] })).toBe('1 label')
    expect(describeLabels({})).toBeNull()
    expect(provenanceMetrics({ provenance: { createdAt: '', metrics: { loss: 0.30551, accuracy: 0.9 } } })).toEqual([
      { name: 'accuracy', value: '0.9' },
      { name: 'loss', value: '0.3055' },
    ])
    const base = { loadMs: 67.2, runMs: 2.46, inputs: [], outputs: [] }
    expect(describeCheck({ ...base, ok: true, problems: [] })).toBe('Loaded in 67 ms, ran in 2.5 ms')
    expect(describeCheck({ ...base, ok: false, problems: ['output p has NaN'] })).toBe(
      '1 problem; loaded in 67 ms, ran in 2.5 ms',
    )
  })
})

describe('formatters', () => {
  it('formats durations, bytes, numbers, shapes and JSON', () => {
    expect([formatDuration(0.42), formatDuration(850), formatDuration(12_400), formatDuration(185_000), formatDuration(3_720_000)]).toEqual([
      '0.4 ms',
      '850 ms',
      '12 s',
      '3 min 5 s',
      '1 h 2 min',
    ])
    expect(formatDuration(null)).toBe('—')
    expect(formatElapsed('2026-01-01T00:00:00Z', '2026-01-01T00:00:09.5Z')).toBe('9.5 s')
    expect(formatElapsed('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:02:00Z'))).toBe('2 min')
    expect(formatElapsed(null, null)).toBe('—')
    expect([formatBytes(512), formatBytes(1536), formatBytes(12 * 1024 * 1024)]).toEqual(['512 B', '1.5 KB', '12 MB'])
    expect([formatNumber(0.123456), formatNumber(42), formatNumber(1e-5), formatNumber(Number.NaN), formatNumber(-Infinity)]).toEqual([
      '0.1235',
      '42',
      '1.00e-5',
      'NaN',
      '−∞',
    ])
    expect(formatPercent(0.356)).toBe('36%')
    expect(formatShape(['N', 2])).toBe('[N, 2]')
    expect(formatJson({ epochs: 2 })).toBe('{\n  "epochs": 2\n}')
    expect(formatJson(null)).toBe('—')
  })

  it('reads chart colours from the theme and writes short ticks', () => {
    const colors = chartColors((property) => ({ '--chart-1': ' #111 ', '--text-muted': '#222' })[property] ?? '')
    expect(colors.series[0]).toBe('#111')
    expect(colors.series[1]).toBe('#d9822b')
    expect(colors.axis).toBe('#222')
    expect([formatTick(0), formatTick(0.25), formatTick(12_500), formatTick(0.0003), formatTick(1.23456)]).toEqual([
      '0',
      '0.25',
      '12.5k',
      '3e-4',
      '1.23',
    ])
  })
})

describe('model card Markdown', () => {
  it('renders Markdown with marked', () => {
    const html = markdownToHtml('# Demo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- **bold**')
    expect(html).toContain('<h1>Demo</h1>')
    expect(html).toContain('<table>')
    expect(html).toContain('<strong>bold</strong>')
  })

  it('shows raw HTML in a card as text, never as markup', () => {
    const html = markdownToHtml('<script>alert(1)</script>\n\nText with <b onclick="x()">inline</b> HTML.')
    expect(html).not.toMatch(/<script|<b /)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('Text with &lt;b onclick=&quot;x()&quot;&gt;inline&lt;/b&gt; HTML.')
  })

  it('answers nothing rather than unsanitised HTML where there is no DOM to sanitise with', () => {
    expect(renderModelCard('<img src=x onerror=alert(1)> # hi')).toBe('')
  })
})
