import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../main/sound/dataset/csv'

describe('parseCsv (RFC 4180)', () => {
  it('splits plain records and skips blank lines', () => {
    expect(parseCsv('a,b,c\n1,2,3\n\n4,,6\n')).toEqual({
      records: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', '2', '3'] },
        { line: 4, fields: ['4', '', '6'] },
      ],
    })
  })

  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines inside them', () => {
    const { records } = parseCsv('name,note\r\n"a,b","say ""hi"""\r\n"two\r\nlines",x\r\nlast,"\n"')
    expect(records).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['a,b', 'say "hi"'] },
      { line: 3, fields: ['two\r\nlines', 'x'] },
      { line: 5, fields: ['last', '\n'] },
    ])
  })

  it('takes CRLF, lone CR and a byte-order mark; keeps an empty last field', () => {
    expect(parseCsv('\ufeffa,b\rc,\r\n').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', ''] },
    ])
  })

  it('keeps a stray quote inside an unquoted field and reports a quote that never closes', () => {
    expect(parseCsv('5" disc,x\n').records[0]!.fields).toEqual(['5" disc', 'x'])
    const open = parseCsv('a,b\n1,"never\n2,3\n')
    expect(open.unclosedQuoteLine).toBe(2)
    expect(open.records[1]).toEqual({ line: 2, fields: ['1', 'never\n2,3\n'] })
  })
})
