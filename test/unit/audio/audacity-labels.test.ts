import { describe, expect, it } from 'vitest'
import { formatAudacityLabels, parseAudacityLabels } from '../../../main/audio/audacity-labels'

describe('Audacity label tracks', () => {
  it('reads regions, point labels, labels with spaces and spectral-selection lines', () => {
    const text = '1.500000\t2.250000\tdog bark\n\\\t120.000000\t4000.000000\n3.000000\t3.000000\tmarker\r\n10\t12.5\t\n'
    expect(parseAudacityLabels(text)).toEqual([
      { start: 1.5, end: 2.25, label: 'dog bark' },
      { start: 3, end: 3, label: 'marker' },
      { start: 10, end: 12.5, label: '' },
    ])
  })

  it('writes what Audacity writes: six decimals, tab separated, one line each', () => {
    const text = formatAudacityLabels([
      { start: 0.1, end: 0.35, label: 'a\tb' },
      { start: 2, end: 2, label: 'point' },
    ])
    expect(text).toBe('0.100000\t0.350000\ta b\n2.000000\t2.000000\tpoint\n')
    expect(parseAudacityLabels(text)).toEqual([
      { start: 0.1, end: 0.35, label: 'a b' },
      { start: 2, end: 2, label: 'point' },
    ])
  })

  it('refuses a file that is not a label track, naming the line', () => {
    expect(() => parseAudacityLabels('1.0\t2.0\tok\nhello world\n', 'notes.txt')).toThrow(/notes\.txt, line 2/)
    expect(() => parseAudacityLabels('2.0\t1.0\tbackwards\n')).toThrow(/line 1/)
  })

  it('says what it expected on the bad line without quoting it (the file may be anything)', () => {
    expect(() => parseAudacityLabels('root:x:0:0:root:/root:/bin/bash\n', 'passwd')).toThrow(
      'passwd, line 1: expected "start<TAB>end<TAB>label" with times in seconds (end not before start). Is it an Audacity label track?',
    )
    expect(() => parseAudacityLabels('root:x:0:0:root:/root:/bin/bash\n')).not.toThrow(/root/)
  })
})
