/*
 * RFC 4180 CSV: comma-separated fields, "quoted" fields that may hold commas, line breaks and ""
 * for a quote, records ending in CRLF, LF or CR. No CSV package is installed and the metadata
 * files are small (UrbanSound8K's is 0.5 MB), so a one-pass reader over the whole text does.
 * It is lenient where spreadsheets are sloppy (a stray quote inside an unquoted field is kept as
 * text) and reports only what loses data: a quote left open to the end of the file.
 */

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number
  fields: string[]
}

export interface CsvText {
  records: CsvRecord[]
  /** Set when a quoted field never closes: the record holding it runs to the end of the file. */
  unclosedQuoteLine?: number
}

export function parseCsv(text: string): CsvText {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let quoted = false
  let quoteLine = 0
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0 // byte-order mark from spreadsheet exports
  const endRecord = () => {
    fields.push(field)
    // A blank line is no record (trailing newlines, spacing in hand-edited files).
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields })
    fields = []
    field = ''
  }
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') {
        quoted = false
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++
        field += c
      }
    } else if (c === '"' && field === '') {
      quoted = true
      quoteLine = line
    } else if (c === ',') {
      fields.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRecord()
      recordLine = ++line
    } else {
      field += c
    }
  }
  if (field !== '' || fields.length > 0 || quoted) endRecord()
  return quoted ? { records, unclosedQuoteLine: quoteLine } : { records }
}
