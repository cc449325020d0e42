import { describe, expect, it } from 'vitest'
import { createSSRApp, h, type Component } from 'vue'
import { renderToString } from 'vue/server-renderer'
import SurfaceView from '../../../../renderer/src/workspaces/mri/components/3d/SurfaceView.vue'
import DiceTable from '../../../../renderer/src/workspaces/mri/components/tables/DiceTable.vue'
import StructureTable from '../../../../renderer/src/workspaces/mri/components/tables/StructureTable.vue'
import { dice, structures } from './fixtures'

// The components rendered to HTML by Vue's server renderer: what they show for given props (no DOM, no WebGL).

/** The HTML without scoped-style attributes and fragment comments, so the assertions read like the template. */
async function render(component: Component, props: Record<string, unknown>): Promise<string> {
  const html = await renderToString(createSSRApp({ render: () => h(component, props) }))
  return html.replace(/ data-v-[0-9a-f]+/g, '').replace(/<!--[\s\S]*?-->/g, '')
}

function rowLabels(html: string, testid: string): number[] {
  return [...html.matchAll(new RegExp(`<tr[^>]*data-label="(\\d+)"[^>]*data-testid="${testid}"`, 'g'))].map((m) => Number(m[1]))
}

describe('StructureTable', () => {
  it('lists every structure by label with its volume, the total, and the sorted column', async () => {
    const html = await render(StructureTable, { entries: structures, visibility: { 9: false }, selected: 10 })
    expect(rowLabels(html, 'structure-row')).toEqual([1, 2, 9, 10, 11])
    expect(html).toMatch(/aria-sort="ascending" class="is-numeric" data-column="label"/)
    expect(html).toMatch(/aria-sort="none" class="is-numeric" data-column="volumeMl"/)
    expect(html).toContain('<td class="num">12.35</td>')
    expect(html).toContain('<td class="num">12,346</td>')
    expect(html).toMatch(/data-testid="total-volume"[^>]*>16.65</)
    // The hidden label's box is unchecked; the selected row takes Tab and is marked current.
    expect(html).toMatch(/<tr tabindex="-1" class="is-hidden"[^>]*data-label="9"/)
    expect(html).toMatch(/<tr tabindex="0" class="is-selected" aria-current="true" data-label="10"/)
    expect(html.match(/checked aria-label="Show [^"]+"/g)).toHaveLength(4)
    expect(html).toContain('<input type="checkbox" tabindex="-1" aria-label="Show Amygdala_R">')
    expect(html).toContain('indeterminate="true" aria-label="Show all structures"')
  })

  it('says so when there is nothing to list', async () => {
    expect(await render(StructureTable, { entries: [] })).toContain('No structures')
  })
})

describe('DiceTable', () => {
  it('shows the mean on top, worst rows first, banded', async () => {
    const html = await render(DiceTable, { result: dice, nameA: 'Prediction', nameB: 'Reference', colors: { 1: [230, 25, 75] } })
    expect(html).toMatch(/data-band="poor" data-testid="mean-dice"[^>]*> Mean Dice <strong>0.480<\/strong>/)
    expect(rowLabels(html, 'dice-row')).toEqual([10, 2, 9, 1, 3])
    expect(html).toMatch(/data-band="good"[^>]*data-label="1"/)
    expect(html).toContain('Voxels Prediction')
    expect(html).toContain('over 4 labels')
  })

  it('invites a comparison without a result', async () => {
    expect(await render(DiceTable, { result: null })).toContain('Open two label maps')
  })
})

describe('SurfaceView (before WebGL starts)', () => {
  it('offers the six anatomical viewpoints and shows the letters of the view from the left', async () => {
    const html = await render(SurfaceView, { meshes: [] })
    for (const preset of ['left', 'right', 'anterior', 'posterior', 'superior', 'inferior']) expect(html).toContain(`data-preset="${preset}"`)
    expect(html).toMatch(/data-testid="letter-left">A</)
    expect(html).toMatch(/data-testid="letter-right">P</)
    expect(html).toMatch(/data-testid="letter-top">S</)
    expect(html).toContain('No surfaces yet')
  })
})
