import { open, readFile } from 'node:fs/promises'
import dcmjs from 'dcmjs'
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax'

/**
 * One DICOM file parsed by dcmjs, with or without its pixel data. Accepts Part 10 files (128-byte preamble,
 * "DICM", file meta group: PS3.10 §7.1) whatever their name, and bare datasets without preamble as older
 * scanners and some exporters write them (PS3.5 default transfer syntax: implicit VR little endian).
 */

const { DicomDict, DicomMessage, DicomMetaDictionary } = dcmjs.data

// dcmjs logs every VR it must infer (implicit VR pixel data is "ox"); that is expected here, not a fault.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent')

const PIXEL_DATA_TAG = '7FE00010'
const TRANSFER_SYNTAX_TAG = '00020010'
/** Enough for the header of nearly every image; a longer header makes us read the whole file. */
const HEADER_PREFIX_BYTES = 256 * 1024
/** Value representations (PS3.5 §6.2): two such letters after the first tag mean explicit VR. */
const VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
)

export interface ParsedDicom {
  transferSyntaxUid: string
  /** dcmjs's naturalized dataset: keyword-named fields with plain values. */
  dataset: Record<string, unknown>
  /** Whether the file carried the Part 10 preamble and "DICM" marker. */
  part10: boolean
}

interface ParseResult extends ParsedDicom {
  reachedPixelData: boolean
}

/** "DICM" at byte 128 (PS3.10 §7.1). */
export function hasPart10Marker(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d
}

function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer
  return bytes.slice().buffer as ArrayBuffer
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length)
  joined.set(head, 0)
  joined.set(tail, head.length)
  return joined
}

/**
 * A bare dataset gets a synthetic preamble and file meta group naming the syntax we infer, so dcmjs's
 * Part 10 reader handles both kinds the same way. Null when the bytes do not start like a DICOM dataset:
 * the first tag must be in group 0002 (meta without preamble) or 0008 (identifying attributes).
 */
function asPart10(bytes: Uint8Array): Uint8Array | null {
  if (hasPart10Marker(bytes)) return bytes
  if (!startsLikeDicom(bytes)) return null
  const group = bytes[0]! | (bytes[1]! << 8)
  if (group === 0x0002) {
    const preamble = new Uint8Array(132)
    preamble.set([0x44, 0x49, 0x43, 0x4d], 128)
    return concat(preamble, bytes)
  }
  if (group !== 0x0008) return null
  const explicit = VRS.has(String.fromCharCode(bytes[4]!, bytes[5]!))
  const meta = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      TransferSyntaxUID: explicit ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN,
    }),
  )
  return concat(new Uint8Array(meta.write()), bytes)
}

function startsLikeDicom(bytes: Uint8Array): boolean {
  if (hasPart10Marker(bytes)) return true
  const group = bytes.length >= 8 ? bytes[0]! | (bytes[1]! << 8) : -1
  return group === 0x0002 || group === 0x0008
}

function parse(bytes: Uint8Array, headerOnly: boolean): ParseResult | null {
  const file = asPart10(bytes)
  if (file === null) return null
  try {
    const dict = DicomMessage.readFile(
      exactArrayBuffer(file),
      headerOnly ? { untilTag: PIXEL_DATA_TAG, includeUntilTagValue: false } : {},
    )
    const syntax = dict.meta[TRANSFER_SYNTAX_TAG]?.Value?.[0]
    return {
      transferSyntaxUid: typeof syntax === 'string' ? syntax.trim() : '',
      dataset: DicomMetaDictionary.naturalizeDataset(dict.dict),
      part10: file === bytes,
      reachedPixelData: PIXEL_DATA_TAG in dict.dict,
    }
  } catch {
    return null
  }
}

/** Parses a whole file already in memory; null when it is not DICOM. */
export function parseDicom(bytes: Uint8Array, options: { headerOnly: boolean }): ParsedDicom | null {
  return parse(bytes, options.headerOnly)
}

/**
 * Reads one file: the header only (everything before the pixel data, from the first 256 KiB when that
 * suffices) or everything. Null when the file is not DICOM or cannot be parsed.
 */
export async function readDicomFile(path: string, options: { headerOnly: boolean }): Promise<ParsedDicom | null> {
  if (!options.headerOnly) return parse(await readFile(path), false)
  const handle = await open(path, 'r')
  let size: number
  try {
    size = (await handle.stat()).size
    const prefix = Buffer.alloc(Math.min(size, HEADER_PREFIX_BYTES))
    const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0)
    if (bytesRead === size) return parse(prefix.subarray(0, bytesRead), true)
    // Whether a file is DICOM shows in its first bytes: a large file of another kind is not read further.
    if (!startsLikeDicom(prefix)) return null
    const partial = parse(prefix.subarray(0, bytesRead), true)
    if (partial?.reachedPixelData) return partial
  } finally {
    await handle.close()
  }
  return parse(await readFile(path), true)
}
