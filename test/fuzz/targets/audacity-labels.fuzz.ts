import { formatAudacityLabels, parseAudacityLabels } from '../../../main/audio/audacity-labels'
import type { FuzzTarget } from '../target'

/*
 * Audacity label tracks (bytes read as UTF-8, as the import does). Seeds: what Audacity exports
 * (regions, points, spectral-selection lines), CRLF with a byte-order mark, comma decimals; hostile
 * times (NaN, infinities, exponents, negative, reversed) and a line thousands of characters long.
 */

const utf8 = (text: string) => new TextEncoder().encode(text)

const target: FuzzTarget = {
  async seeds() {
    const exported = formatAudacityLabels([
      { start: 0.1, end: 0.35, label: 'dog bark' },
      { start: 2, end: 2, label: 'point' },
      { start: 3.25, end: 7.5, label: 'siren ühü 警报' },
    ])
    return [
      exported,
      '1.500000\t2.250000\tdog bark\n\\\t120.000000\t4000.000000\n3.000000\t3.000000\tmarker\n',
      `\uFEFF${exported.replaceAll('\n', '\r\n')}`,
      '1,5\t2,25\tcomma decimals\n10\t12.5\t\n7\n',
      // Hostile
      'NaN\tNaN\tx\nInfinity\t1\ty\n',
      '1e308\t1e309\tbig\n-0\t0\tzero\n0x10\t0b11\thex\n',
      '2\t1\treversed\n',
      `0\t1\t${'a\t'.repeat(2000)}\n${'\\\t'.repeat(500)}\n`,
    ].map(utf8)
  },
  async check(bytes) {
    parseAudacityLabels(new TextDecoder().decode(bytes), 'fuzz.txt')
  },
}
export default target
