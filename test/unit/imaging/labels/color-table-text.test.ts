import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import {
  detectColorTableFormat,
  distinctColor,
  formatItkSnapLabels,
  parseColorTableText,
  parseHexColor,
} from '../../../../main/imaging/labels'

const ITK_SNAP = [
  '################################################',
  '# ITK-SnAP Label Description File',
  '# IDX   -R-  -G-  -B-  -A--  VIS MSH  LABEL',
  '################################################',
  '    0     0    0    0        0  0  0    "Clear Label"',
  '    1   255    0    0        1  1  1    "Left hippocampus"',
  '    2     0  255    0      0.5  0  1    "Right   amygdala"',
  '    3   300    0    0        1  1  1    "Bad colour"',
  '    oops',
  '    4     0    0  255        1  1  1    "Name with # inside"',
].join('\n')

const FREESURFER = [
  '#$Id: FreeSurferColorLUT.txt,v 1.70 2012/08/27 $',
  '',
  '#No. Label Name:                            R   G   B   A',
  '',
  '0   Unknown                                 0   0   0   0',
  '17  Left-Hippocampus                        220 216 20  0',
  '53  Right-Hippocampus                       220 216 20  0',
  '1000    ctx-lh-unknown                      25  5   25  51',
  'bad line here',
  '18  Left-Amygdala                           103 255 256 0',
].join('\r\n')

const CSV_RGB = [
  '# my labels',
  'label,name,r,g,b,alpha',
  '1,"Left hippocampus, head",255,0,0,1',
  '2,Right amygdala,0,128,255,0.5',
  'x,bad,1,2,3,1',
  '3,"Say ""hi""",1,2,3,',
].join('\n')

const CSV_HEX = ['Index;Structure;Colour', '10;Thalamus;#FF8000', '11;Caudate;', '12;Putamen;#zzz'].join('\n')

describe('ITK-SNAP label descriptions', () => {
  const table = parseColorTableText(ITK_SNAP)

  it('reads colours, opacity, visibility and quoted names with spaces', () => {
    expect(table.format).toBe('itk-snap')
    expect(table.get(0)).toEqual({ name: 'Clear Label', color: [0, 0, 0], alpha: 0, visible: false })
    expect(table.get(1)).toEqual({ name: 'Left hippocampus', color: [255, 0, 0], alpha: 1, visible: true })
    expect(table.get(2)).toEqual({ name: 'Right   amygdala', color: [0, 255, 0], alpha: 0.5, visible: false })
    expect(table.get(4)?.name).toBe('Name with # inside')
  })

  it('skips bad lines and reports them by line number', () => {
    expect(table.has(3)).toBe(false)
    expect(table.warnings.map((w) => w.line)).toEqual([8, 9])
    expect(table.warnings[0]!.message).toMatch(/0\.\.255/)
  })

  it('writes what it reads (label 0 added as the clear label)', () => {
    const source = new Map([[5, { name: 'Has "quotes"', color: [1, 2, 3] as [number, number, number], alpha: 0.25 }]])
    const back = parseColorTableText(formatItkSnapLabels(source))
    expect(back.format).toBe('itk-snap')
    expect(back.get(0)).toEqual({ name: 'Clear Label', color: [0, 0, 0], alpha: 0, visible: false })
    expect(back.get(5)).toEqual({ name: "Has 'quotes'", color: [1, 2, 3], alpha: 0.25, visible: true })
    expect(back.warnings).toEqual([])
  })
})

describe('FreeSurfer LUT', () => {
  const table = parseColorTableText(FREESURFER)

  it('reads rows, A as transparency (opacity = 1 - A/255)', () => {
    expect(table.format).toBe('freesurfer')
    expect(table.get(17)).toEqual({ name: 'Left-Hippocampus', color: [220, 216, 20], alpha: 1 })
    expect(table.get(53)?.name).toBe('Right-Hippocampus')
    expect(table.get(1000)?.color).toEqual([25, 5, 25])
    expect(table.get(1000)?.alpha).toBeCloseTo(0.8, 12)
    expect(table.size).toBe(4)
  })

  it('reports the malformed row and the out-of-range colour', () => {
    expect(table.warnings.map((w) => w.line)).toEqual([9, 10])
    expect(table.has(18)).toBe(false)
  })
})

describe('CSV', () => {
  it('reads r,g,b columns, quoted names with commas and doubled quotes, alpha', () => {
    const table = parseColorTableText(CSV_RGB)
    expect(table.format).toBe('csv')
    expect(table.get(1)).toEqual({ name: 'Left hippocampus, head', color: [255, 0, 0], alpha: 1 })
    expect(table.get(2)).toEqual({ name: 'Right amygdala', color: [0, 128, 255], alpha: 0.5 })
    expect(table.get(3)).toEqual({ name: 'Say "hi"', color: [1, 2, 3] })
    expect(table.warnings.map((w) => w.line)).toEqual([5])
  })

  it('reads a hex colour column with another delimiter and header names; no colour -> distinct colour', () => {
    const table = parseColorTableText(CSV_HEX)
    expect(table.format).toBe('csv')
    expect(table.get(10)).toEqual({ name: 'Thalamus', color: [255, 128, 0] })
    expect(table.get(11)).toEqual({ name: 'Caudate', color: distinctColor(11) })
    expect(table.has(12)).toBe(false)
    expect(table.warnings).toEqual([{ line: 4, message: expect.stringMatching(/#zzz/) }])
  })
})

describe('JSON', () => {
  it('reads an array of {label, name, color} with [r,g,b] or hex colours', () => {
    const table = parseColorTableText(
      JSON.stringify([
        { label: 1, name: 'Tumour core', color: [255, 0, 0] },
        { label: 2, name: 'Oedema', color: '#00ff00', alpha: 0.4, visible: false },
        { label: 3.5, name: 'bad' },
        { label: 4, name: 'No colour' },
        { label: 5, name: 'Bad colour', color: [1, 2] },
      ]),
    )
    expect(table.format).toBe('json')
    expect(table.get(1)).toEqual({ name: 'Tumour core', color: [255, 0, 0] })
    expect(table.get(2)).toEqual({ name: 'Oedema', color: [0, 255, 0], alpha: 0.4, visible: false })
    expect(table.get(4)).toEqual({ name: 'No colour', color: distinctColor(4) })
    expect([...table.keys()]).toEqual([1, 2, 4])
    expect(table.warnings.map((w) => w.message.split(':')[0])).toEqual(['entry 3', 'entry 5'])
  })

  it('reads {labels: [...]} and an object keyed by label', () => {
    const wrapped = parseColorTableText('{"labels": [{"label": 7, "name": "Seven", "color": "#010203"}]}')
    expect(wrapped.get(7)).toEqual({ name: 'Seven', color: [1, 2, 3] })
    const keyed = parseColorTableText('{"1": {"name": "One", "color": [9, 8, 7]}, "2": "Two", "x": "no"}')
    expect(keyed.get(1)).toEqual({ name: 'One', color: [9, 8, 7] })
    expect(keyed.get(2)).toEqual({ name: 'Two', color: distinctColor(2) })
    expect(keyed.warnings).toHaveLength(1)
  })
})

describe('MRIcron atlas names', () => {
  it('reads "index name code" (spaces, CRLF) and "index<TAB>name with spaces"', () => {
    const spaced = parseColorTableText('1 Precentral_L 2001\r\n2 Precentral_R 2002\r\n\r\n')
    expect(spaced.format).toBe('mricron')
    expect(spaced.get(2)).toEqual({ name: 'Precentral_R', color: distinctColor(2) })
    const tabbed = parseColorTableText('0\tUnclassified\r\n1\tMiddle cerebellar peduncle\r\n')
    expect(tabbed.get(1)?.name).toBe('Middle cerebellar peduncle')
    expect(tabbed.get(0)?.name).toBe('Unclassified')
  })

  it('keeps the later of two definitions of a label and says so', () => {
    const table = parseColorTableText('1 First\n2 Two\n1 Again\n')
    expect(table.get(1)?.name).toBe('Again')
    expect(table.warnings).toEqual([{ line: 3, message: expect.stringMatching(/label 1 is defined again/) }])
  })
})

describe('format detection', () => {
  it('tells the formats apart by content', () => {
    expect(detectColorTableFormat(ITK_SNAP)).toBe('itk-snap')
    expect(detectColorTableFormat(ITK_SNAP.split('\n').slice(4).join('\n'))).toBe('itk-snap') // no header
    expect(detectColorTableFormat(FREESURFER)).toBe('freesurfer')
    expect(detectColorTableFormat('17 Left-Hippocampus 220 216 20 0\n53 Right-Hippocampus 220 216 20 0')).toBe('freesurfer')
    expect(detectColorTableFormat(CSV_RGB)).toBe('csv')
    expect(detectColorTableFormat(' [ ]')).toBe('json')
    expect(detectColorTableFormat('1 G_Frontal_Sup-1 2\n2 G_Frontal_Sup-2 3')).toBe('mricron')
    expect(detectColorTableFormat('hello world\nnot a table')).toBeNull()
  })

  it('rejects text that is no colour table, naming the accepted formats', () => {
    for (const text of ['hello world\nnot a table', '', '{"a": 1}', '# only a comment\n']) {
      let caught: unknown
      try {
        parseColorTableText(text, 'The file notes.txt')
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(PerceptError)
      expect((caught as PerceptError).code).toBe('INVALID_FILE')
      expect((caught as PerceptError).message).toMatch(/notes\.txt.*ITK-SNAP.*FreeSurfer.*CSV.*JSON.*MRIcron/)
    }
  })
})

describe('hex colours', () => {
  it('reads #rgb, #rrggbb and #rrggbbaa', () => {
    expect(parseHexColor('#f80')).toEqual({ color: [255, 136, 0] })
    expect(parseHexColor('0A0B0C')).toEqual({ color: [10, 11, 12] })
    expect(parseHexColor('#ff000080')).toEqual({ color: [255, 0, 0], alpha: 128 / 255 })
    expect(parseHexColor('red')).toBeNull()
  })
})
