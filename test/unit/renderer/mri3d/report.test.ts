import { describe, expect, it } from 'vitest'
import type { VolumeInfo } from '../../../../main/api'
import { escapeHtml, reportHtml } from '../../../../renderer/src/workspaces/mri/lib/3d/report'
import { dice, structures } from './fixtures'

// A 1 x 1 transparent PNG.
const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

const info: VolumeInfo = {
  format: 'nifti1',
  dims: [181, 217, 181],
  voxelSize: [1, 1, 1],
  datatype: 'uint8',
  affine: [1, 0, 0, -90, 0, 1, 0, -126, 0, 0, 1, -72, 0, 0, 0, 1],
  affineSource: 'sform',
  orientation: 'RAS',
  sformCode: 4,
  qformCode: 0,
  frames: 1,
  frame: 0,
  min: 0,
  max: 255,
  mean: 41.5,
  description: 'T1 <template>',
}

const hostile = { label: 99, name: `<script>alert("x")</script> & 'Hippo'`, color: [1, 2, 3] as [number, number, number], voxels: 42, volumeMl: 0.042 }

function build() {
  return reportHtml({
    title: 'Brain <b>report</b>',
    subtitle: 'ch2better.nii.gz + aal.nii.gz',
    images: [
      { name: 'Axial', pngDataUrl: png },
      { name: '3D "from the left"', pngDataUrl: png },
    ],
    structures: [...structures, hostile],
    dice,
    diceNames: { a: 'Prediction', b: 'Reference' },
    volumeInfo: info,
    generatedAt: new Date('2026-03-01T10:20:30Z'),
  })
}

describe('report HTML', () => {
  it('escapes every text it was given', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
    const html = build()
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>report</b>')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Hippo&#39;')
    expect(html).toContain('<title>Brain &lt;b&gt;report&lt;/b&gt;</title>')
    expect(html).toContain('T1 &lt;template&gt;')
    expect(html).toContain('alt="3D &quot;from the left&quot;"')
  })

  it('holds a row for every structure with its voxels and volume (mL, 2 decimals), and the total', () => {
    const html = build()
    for (const entry of [...structures, hostile]) {
      const row = `<td class="num">${entry.label}</td><td>${escapeHtml(entry.name)}</td><td class="num">${entry.voxels.toLocaleString('en-US')}</td><td class="num">${entry.volumeMl.toFixed(2)}</td>`
      expect(html).toContain(row)
    }
    expect(html).toContain('<td class="num">12,346</td><td class="num">12.35</td>') // Área 2
    expect(html).toContain('Total (6 structures)</td><td class="num">16,688</td><td class="num">16.69</td>')
  })

  it('includes the Dice table, the mean and the volume facts', () => {
    const html = build()
    expect(html).toContain('Mean Dice: <strong>0.480</strong> over 4 labels')
    expect(html).toContain('<tr class="band-poor"><td class="num">2</td><td>Precentral_R</td><td class="num">0.420</td>')
    expect(html).toContain('<tr class="band-none"><td class="num">3</td>')
    expect(html).toContain('<dd>181 × 217 × 181</dd>')
    expect(html).toContain('<dd>sform (sform code 4, qform code 0)</dd>')
    expect(html).toContain('Generated 2026-03-01 10:20 UTC')
  })

  it('is standalone and printable on A4', () => {
    const html = build()
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('@page { size: A4;')
    expect(html).toContain("default-src 'none'; img-src data:")
    expect(html).not.toMatch(/<link|<script|@import|url\(|https?:\/\//i)
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2)
  })

  it('refuses an image that is not a PNG data URL', () => {
    expect(() => reportHtml({ title: 't', images: [{ name: 'Axial', pngDataUrl: 'https://example.org/x.png' }], structures: [] })).toThrow(
      /"Axial" is not a PNG data URL/,
    )
    expect(() => reportHtml({ title: 't', images: [{ name: 'x', pngDataUrl: 'data:image/png;base64,AA"onerror="x' }], structures: [] })).toThrow()
  })
})
