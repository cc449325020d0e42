import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { readDicomSeries } from '../../../../main/imaging/dicom'
import { makeDicomPhantom, writeDicomSeries } from '../../../../main/imaging/fixtures/dicom-series'
import type { Mat4, Volume } from '../../../../main/imaging/volume'
import { rawPixels, readTags, removeTempFolders, tempFolder } from './dicom-test-files'

afterAll(removeTempFolders)

const identity: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

describe('DICOM pixel values', () => {
  it('applies RescaleSlope and RescaleIntercept to unsigned stored values (float32 result)', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom()
    const written = await writeDicomSeries(dir, phantom.volume, { storedType: 'uint16', rescaleSlope: 0.5, rescaleIntercept: -1024 })
    const tags = readTags(written.files[0]!)
    expect([tags.RescaleSlope, tags.RescaleIntercept, tags.PixelRepresentation]).toEqual([0.5, -1024, 0])
    // Voxel (0, 0, 0) is background, -2: stored as (-2 + 1024) / 0.5 = 2044.
    expect(rawPixels(written.files[0]!, 'uint16')[0]).toBe(2044)

    const { volume, info } = await readDicomSeries(dir)
    expect(volume.data).toBeInstanceOf(Float32Array)
    expect(volume.datatype).toBe('uint16')
    expect(info.rescaled).toBe(true)
    expect(volume.data[0]).toBe(-2)
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.volume.data))
    expect(Math.max(...volume.data)).toBe(1000)
  })

  it('keeps signed 16-bit integers when the rescale is the identity', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom()
    const written = await writeDicomSeries(dir, phantom.volume)
    expect(rawPixels(written.files[0]!, 'int16')[0]).toBe(-2)
    const { volume, info } = await readDicomSeries(dir)
    expect(volume.data).toBeInstanceOf(Int16Array)
    expect([volume.datatype, info.datatype, info.rescaled]).toEqual(['int16', 'int16', false])
    expect(volume.data[0]).toBe(-2)
  })

  it('sign-extends 12 stored bits of 16 allocated (BitsStored / HighBit)', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom()
    const written = await writeDicomSeries(dir, phantom.volume, { bitsStored: 12 })
    // -2 in 12-bit two's complement with the upper 4 bits clear: 0x0FFE.
    expect(rawPixels(written.files[0]!, 'uint16')[0]).toBe(0x0ffe)
    const { volume } = await readDicomSeries(dir)
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.volume.data))
  })

  it('reads 8-bit images, unsigned and signed', async () => {
    const dims: [number, number, number] = [8, 9, 6]
    const count = dims[0] * dims[1] * dims[2]
    const unsigned = Uint8Array.from({ length: count }, (_, p) => (p * 37) % 256)
    const signed = Int8Array.from({ length: count }, (_, p) => ((p * 37) % 256) - 128)
    for (const data of [unsigned, signed]) {
      const dir = await tempFolder()
      const datatype = data instanceof Int8Array ? 'int8' : 'uint8'
      const source: Volume = { dims, affine: identity, data, components: 1, datatype }
      const written = await writeDicomSeries(dir, source, { storedType: datatype })
      expect(readTags(written.files[0]!).BitsAllocated).toBe(8)
      const { volume } = await readDicomSeries(dir)
      expect(volume.data).toBeInstanceOf(data.constructor)
      expect(volume.datatype).toBe(datatype)
      expect(Array.from(volume.data)).toEqual(Array.from(data))
    }
  })

  it('reads implicit VR files, and bare datasets without the Part 10 preamble', async () => {
    const phantom = makeDicomPhantom()
    for (const options of [
      { transferSyntaxUid: '1.2.840.10008.1.2' },
      { preamble: false },
      { preamble: false, transferSyntaxUid: '1.2.840.10008.1.2.1' },
    ]) {
      const dir = await tempFolder()
      const written = await writeDicomSeries(dir, phantom.volume, options)
      const bytes = readFileSync(written.files[0]!)
      const marker = bytes.subarray(128, 132).toString('latin1')
      expect(marker === 'DICM').toBe(options.preamble !== false)
      if (options.preamble === false) expect([bytes[0], bytes[1]]).toEqual([0x08, 0x00]) // first tag in group 0008
      const { volume } = await readDicomSeries(dir)
      expect(Array.from(volume.data)).toEqual(Array.from(phantom.volume.data))
      expect(volume.affine).toEqual(phantom.volume.affine)
    }
  })
})
