/**
 * The few parts of dcmjs (which ships no types) that the DICOM reader and the fixture writer use.
 * Datasets are "naturalized": keyword-named fields (PixelSpacing, Rows...) with plain JS values.
 */
declare module 'dcmjs' {
  /** A dataset as dcmjs keeps it: tags like "00280010" mapped to { vr, Value }. */
  type DcmjsTagDict = Record<string, { vr: string; Value?: unknown[] }>

  interface DcmjsReadOptions {
    ignoreErrors?: boolean
    /** Stop reading at this tag ("7FE00010": before the pixel data). */
    untilTag?: string | null
    includeUntilTagValue?: boolean
    noCopy?: boolean
    forceStoreRaw?: boolean
  }

  class DicomDict {
    constructor(meta: DcmjsTagDict)
    meta: DcmjsTagDict
    dict: DcmjsTagDict
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer
  }

  interface Logger {
    setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void
    getLogger(name: string): Logger
  }

  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: DcmjsReadOptions): DicomDict
      }
      DicomMetaDictionary: {
        naturalizeDataset(dict: DcmjsTagDict): Record<string, unknown>
        denaturalizeDataset(dataset: Record<string, unknown>): DcmjsTagDict
      }
    }
    log: Logger
  }
  export default dcmjs
}
