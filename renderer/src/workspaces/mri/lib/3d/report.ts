import type { DiceResult, LabelEntry, VolumeInfo } from '../../../../../../main/api'
import { diceBand, diceBands, diceRows } from './dice-rows'
import { rgbCss } from './label-color'
import { structureTotals } from './structure-rows'
import { formatCount, formatDice, formatMl } from './table-format'

export interface ReportImage {
  /** The caption, e.g. "Axial" or "3D, from the left". */
  name: string
  /** A PNG as a data URL (canvas.toDataURL('image/png')). */
  pngDataUrl: string
}

export interface ReportInput {
  title: string
  images: readonly ReportImage[]
  structures: readonly LabelEntry[]
  dice?: DiceResult | null
  /** The header facts of the image the report is about. */
  volumeInfo?: VolumeInfo | null
  /** A line under the title: the files the report covers. */
  subtitle?: string
  /** Names of the two maps a Dice result compares. */
  diceNames?: { a: string; b: string }
  /** When the report was made (defaults to now); shown in the footer. */
  generatedAt?: Date
}

/** Text made safe for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
}

const pngDataUrl = /^data:image\/png;base64,[A-Za-z0-9+/]*={0,2}$/

/**
 * A standalone, printable HTML document (A4) with the views, the volume table and the Dice table. It holds
 * no external resources (its Content-Security-Policy forbids them: images must be PNG data URLs) and every
 * text is escaped, so label names from any colour table are safe. Print it to PDF from the print dialog.
 */
export function reportHtml(input: ReportInput): string {
  for (const image of input.images) {
    if (!pngDataUrl.test(image.pngDataUrl)) throw new Error(`The view "${image.name}" is not a PNG data URL; take the screenshot again.`)
  }
  const when = input.generatedAt ?? new Date()
  const parts = [
    `<header><h1>${escapeHtml(input.title)}</h1>`,
    input.subtitle ? `<p class="subtitle">${escapeHtml(input.subtitle)}</p>` : '',
    '</header>',
    input.volumeInfo ? volumeSection(input.volumeInfo) : '',
    input.images.length > 0 ? imagesSection(input.images) : '',
    structuresSection(input.structures),
    input.dice ? diceSection(input.dice, input.diceNames ?? { a: 'A', b: 'B' }) : '',
    `<footer>Generated ${escapeHtml(when.toISOString().replace('T', ' ').slice(0, 16))} UTC. World coordinates are RAS+ millimetres. For research use; not a diagnostic device.</footer>`,
  ]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${styles}</style>
</head>
<body>
${parts.filter(Boolean).join('\n')}
</body>
</html>
`
}

function volumeSection(info: VolumeInfo): string {
  const mm = (values: readonly number[]) => values.map((v) => Number(v.toFixed(3))).join(' × ')
  const facts: [string, string][] = [
    ['Format', info.format.toUpperCase()],
    ['Dimensions', info.dims.join(' × ')],
    ['Voxel size (mm)', mm(info.voxelSize)],
    ['Data type', info.datatype],
    ['Orientation', info.orientation],
    ['Geometry from', `${info.affineSource} (sform code ${info.sformCode}, qform code ${info.qformCode})`],
    ['Frame', `${info.frame + 1} of ${info.frames}`],
    ['Intensity min / max / mean', [info.min, info.max, info.mean].map((v) => Number(v.toPrecision(5))).join(' / ')],
  ]
  if (info.description) facts.push(['Description', info.description])
  const rows = facts.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')
  return `<section><h2>Volume</h2><dl class="facts">${rows}</dl></section>`
}

function imagesSection(images: readonly ReportImage[]): string {
  const figures = images
    .map((image) => `<figure><img src="${escapeHtml(image.pngDataUrl)}" alt="${escapeHtml(image.name)}"><figcaption>${escapeHtml(image.name)}</figcaption></figure>`)
    .join('')
  return `<section><h2>Views</h2><div class="figures">${figures}</div></section>`
}

function swatch(color: LabelEntry['color']): string {
  return `<span class="swatch" style="background:${rgbCss(color)}"></span>`
}

function structuresSection(structures: readonly LabelEntry[]): string {
  if (structures.length === 0) return '<section><h2>Structures</h2><p>No labelled structures.</p></section>'
  const sorted = [...structures].sort((a, b) => a.label - b.label)
  const rows = sorted
    .map(
      (entry) =>
        `<tr><td>${swatch(entry.color)}</td><td class="num">${entry.label}</td><td>${escapeHtml(entry.name)}</td><td class="num">${formatCount(entry.voxels)}</td><td class="num">${formatMl(entry.volumeMl)}</td></tr>`,
    )
    .join('\n')
  const totals = structureTotals(sorted)
  return `<section><h2>Structures</h2>
<table><thead><tr><th><span class="hidden">Colour</span></th><th class="num">Label</th><th>Name</th><th class="num">Voxels</th><th class="num">Volume (mL)</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td></td><td></td><td>Total (${sorted.length} structures)</td><td class="num">${formatCount(totals.voxels)}</td><td class="num">${formatMl(totals.volumeMl)}</td></tr></tfoot></table></section>`
}

function diceSection(dice: DiceResult, names: { a: string; b: string }): string {
  const rows = diceRows(dice.labels, { key: 'label', direction: 'ascending' })
    .map(
      (entry) =>
        `<tr class="band-${diceBand(entry.dice)}"><td class="num">${entry.label}</td><td>${escapeHtml(entry.name)}</td><td class="num">${formatDice(entry.dice)}</td><td class="num">${formatCount(entry.voxelsA)}</td><td class="num">${formatCount(entry.voxelsB)}</td></tr>`,
    )
    .join('\n')
  const legend = diceBands.map((band) => `<span class="legend band-${band.band}">${escapeHtml(band.label)}</span>`).join(' ')
  return `<section><h2>Overlap (Dice): ${escapeHtml(names.a)} and ${escapeHtml(names.b)}</h2>
<p class="mean">Mean Dice: <strong>${formatDice(dice.meanDice)}</strong> over ${dice.labels.filter((entry) => entry.dice !== null).length} labels. ${legend}</p>
<table><thead><tr><th class="num">Label</th><th>Name</th><th class="num">Dice</th><th class="num">Voxels ${escapeHtml(names.a)}</th><th class="num">Voxels ${escapeHtml(names.b)}</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`
}

const styles = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 186mm; padding: 12mm 0; font: 10pt/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif; color: #1b1f26; background: #fff; }
h1 { margin: 0; font-size: 18pt; font-weight: 600; }
h2 { margin: 18px 0 6px; font-size: 12pt; font-weight: 600; border-bottom: 1px solid #c5ccd6; padding-bottom: 2px; }
.subtitle { margin: 2px 0 0; color: #545d6b; }
.facts { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 16px; margin: 0; }
.facts div { display: flex; gap: 8px; }
.facts dt { color: #545d6b; min-width: 44%; }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.figures { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
figure { margin: 0; break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; border: 1px solid #dde1e7; background: #000; }
figcaption { font-size: 9pt; color: #545d6b; text-align: center; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { text-align: left; font-size: 8.5pt; color: #545d6b; font-weight: 600; border-bottom: 1px solid #c5ccd6; padding: 3px 6px; }
td { padding: 2px 6px; border-bottom: 1px solid #eef0f3; }
tfoot td { font-weight: 600; border-top: 1px solid #c5ccd6; border-bottom: 0; }
.num { text-align: right; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; border: 1px solid rgba(0,0,0,0.25); vertical-align: -2px; }
.hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.band-good td, .legend.band-good { background: #e1f3e8; }
.band-fair td, .legend.band-fair { background: #fbf0da; }
.band-poor td, .legend.band-poor { background: #fdecea; }
.legend { padding: 1px 6px; border-radius: 3px; font-size: 8.5pt; }
footer { margin-top: 16px; font-size: 8pt; color: #7d8694; }
@media print { body { padding: 0; max-width: none; } section { break-inside: auto; } h2 { break-after: avoid; } }
`
