import { describe, expect, it } from 'vitest'
import { colorTable, magma, spectrogramPixels } from '../../../renderer/src/workspaces/sound/lib/colormap'
import { parsePeaks, peakLevel, tileBuckets, tileSpan, tilesInView, type PeakBlock } from '../../../renderer/src/workspaces/sound/lib/peaks'
import { rulerTicks, niceStep } from '../../../renderer/src/workspaces/sound/lib/ruler'
import { spectrogramRequest, spectrogramServes } from '../../../renderer/src/workspaces/sound/lib/spectrogram-window'
import { addToEnvelope, emptyEnvelope, samplePoints } from '../../../renderer/src/workspaces/sound/lib/waveform-columns'

/** The wire format: per channel N minima then N maxima, float32 little-endian. */
function encode(channels: Array<{ min: number[]; max: number[] }>): ArrayBuffer {
  const floats = channels.flatMap((channel) => [...channel.min, ...channel.max])
  const view = new DataView(new ArrayBuffer(floats.length * 4))
  floats.forEach((value, i) => view.setFloat32(i * 4, value, true))
  return view.buffer
}

function block(start: number, end: number, min: number[], max: number[]): PeakBlock {
  return { start, end, buckets: min.length, min: [Float32Array.from(min)], max: [Float32Array.from(max)] }
}

describe('peak answers', () => {
  it('parses per-channel minima and maxima', () => {
    const parsed = parsePeaks(encode([{ min: [-0.5, -0.25], max: [0.5, 0.75] }, { min: [-1, 0], max: [1, 0.125] }]), 0, 1, 2)
    expect(parsed.min.map((c) => [...c])).toEqual([[-0.5, -0.25], [-1, 0]])
    expect(parsed.max.map((c) => [...c])).toEqual([[0.5, 0.75], [1, 0.125]])
  })

  it('refuses a body that does not hold whole channels', () => {
    expect(() => parsePeaks(new ArrayBuffer(12), 0, 1, 2)).toThrow(/does not hold 2 buckets/)
    expect(() => parsePeaks(new ArrayBuffer(0), 0, 1, 2)).toThrow()
  })
})

describe('peak tiles', () => {
  it('picks the level whose buckets are at most a pixel wide, sample level when zoomed past the samples', () => {
    expect(peakLevel(44100, 44100)).toBe(0)
    expect(peakLevel(44100 * 20, 44100)).toBe(0)
    expect(peakLevel(44100 / 3, 44100)).toBe(1)
    expect(peakLevel(1000 / 3600, 44100)).toBe(Math.floor(Math.log2(44100 * 3.6)))
  })

  it('cuts a level into tiles of 1024 buckets and clips the last one to the sound', () => {
    const frames = 44100 * 10
    expect(tileSpan(0, 0, 44100, frames)).toEqual({ start: 0, end: 1024 / 44100, buckets: 1024, requestStart: 0.25 / 44100 })
    const perTile = tileBuckets * 2 ** 8
    const lastIndex = Math.floor(frames / perTile)
    const last = tileSpan(8, lastIndex, 44100, frames)!
    expect(last.end).toBe(10)
    expect(last.buckets).toBe(Math.ceil((frames - lastIndex * perTile) / 256))
    expect(tileSpan(8, lastIndex + 1, 44100, frames)).toBeNull()
    expect(tileSpan(0, -1, 44100, frames)).toBeNull()
  })

  it('lists the tiles a view shows', () => {
    const sr = 1024
    // Level 0 tiles are one second long at 1024 Hz; a view of 2.5 s from 0.5 s touches tiles 0..2.
    expect(tilesInView({ start: 0.5, pxPerSec: 400 }, 1000, 0, sr, sr * 10)).toEqual([0, 1, 2])
    expect(tilesInView({ start: 9.5, pxPerSec: 400 }, 1000, 0, sr, sr * 10)).toEqual([9])
  })
})

describe('waveform columns', () => {
  it('reduces buckets narrower than a pixel to per-column minima and maxima', () => {
    const envelope = emptyEnvelope(2)
    addToEnvelope(envelope, block(0, 4, [-0.1, -0.4, -0.2, -0.3], [0.1, 0.2, 0.5, 0.3]), 0, 1, { start: 0, pxPerSec: 0.5 })
    expect([...envelope.min]).toEqual([expect.closeTo(-0.4), expect.closeTo(-0.3)])
    expect([...envelope.max]).toEqual([expect.closeTo(0.2), expect.closeTo(0.5)])
    expect([...envelope.rank]).toEqual([1, 1])
  })

  it('fills every column a wide bucket spans, and lets finer data replace coarser data', () => {
    const envelope = emptyEnvelope(4)
    const view = { start: 0, pxPerSec: 2 }
    addToEnvelope(envelope, block(0, 2, [-1], [1]), 0, 0, view)
    expect([...envelope.max]).toEqual([1, 1, 1, 1])
    addToEnvelope(envelope, block(0, 1, [-0.5, -0.25], [0.5, 0.25]), 0, 1, view)
    expect([...envelope.max]).toEqual([0.5, 0.25, 1, 1])
    expect([...envelope.rank]).toEqual([1, 1, 0, 0])
    // Coarser data arriving later leaves finer columns alone.
    addToEnvelope(envelope, block(0, 2, [-0.9], [0.9]), 0, 0, view)
    expect([...envelope.max]).toEqual([0.5, 0.25, expect.closeTo(1), expect.closeTo(1)])
  })

  it('places one point per sample, with one beyond each edge', () => {
    const samples = block(0, 8, [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7])
    const points = samplePoints(samples, 0, { start: 2, pxPerSec: 10 }, 30)
    // The view shows 2..5 s: samples 2..5 (5 on the right edge) and sample 1 beyond the left edge.
    expect([...points.value]).toEqual([1, 2, 3, 4, 5])
    expect([...points.x]).toEqual([-10, 0, 10, 20, 30])
  })
})

describe('spectrogram images', () => {
  it('interpolates a 256-entry magma table, dark to bright', () => {
    expect(magma.length).toBe(768)
    expect([...magma.slice(0, 3)]).toEqual([0, 0, 4])
    expect([...magma.slice(765)]).toEqual([0xfc, 0xfd, 0xbf])
    expect([...colorTable(['000000', 'ffffff']).slice(381, 384)]).toEqual([127, 127, 127])
  })

  it('turns mel rows into RGBA pixels with the lowest band at the bottom', () => {
    const table = colorTable(['000000', 'ffffff'])
    const pixels = spectrogramPixels(Uint8Array.from([0, 255, 255, 0]), 2, 2, table)
    // Row 0 (lowest band: 0, 255) is the bottom row of the image.
    expect([...pixels.slice(8, 16)]).toEqual([0, 0, 0, 255, 255, 255, 255, 255])
    expect([...pixels.slice(0, 8)]).toEqual([255, 255, 255, 255, 0, 0, 0, 255])
    expect(() => spectrogramPixels(new Uint8Array(3), 2, 2)).toThrow(/needs 4 bytes/)
  })

  it('asks for the view and half a view either side at screen density, within the column limit', () => {
    const request = spectrogramRequest({ start: 10, pxPerSec: 100 }, 1000, 60)!
    expect(request).toEqual({ start: 5, end: 25, columns: 2000 })
    const capped = spectrogramRequest({ start: 10, pxPerSec: 100 }, 3000, 600, 2)!
    expect(capped.columns).toBe(4096)
    expect(capped.start).toBeLessThanOrEqual(10)
    expect(capped.end).toBeGreaterThanOrEqual(10)
    const whole = spectrogramRequest({ start: 0, pxPerSec: 1000 / 60 }, 1000, 60)!
    expect(whole).toEqual({ start: 0, end: 60, columns: 1000 })
    expect(spectrogramRequest({ start: 0, pxPerSec: 1 }, 0, 60)).toBeNull()
  })

  it('keeps an image while it covers the view at about the screen’s density', () => {
    const image = { start: 5, end: 25, columns: 2000 }
    expect(spectrogramServes(image, { start: 10, pxPerSec: 100 }, 1000, 60)).toBe(true)
    expect(spectrogramServes(image, { start: 20, pxPerSec: 100 }, 1000, 60)).toBe(false)
    expect(spectrogramServes(image, { start: 10, pxPerSec: 200 }, 1000, 60)).toBe(false)
    expect(spectrogramServes({ start: 0, end: 600, columns: 4096 }, { start: 0, pxPerSec: 20 }, 1000, 600)).toBe(true)
  })
})

describe('the time ruler', () => {
  it('chooses 1-2-5 steps, then seconds and minutes', () => {
    expect(niceStep(0.00003)).toBeCloseTo(0.00005)
    expect(niceStep(0.3)).toBe(0.5)
    expect(niceStep(1.5)).toBe(2)
    expect(niceStep(7)).toBe(10)
    expect(niceStep(20)).toBe(30)
    expect(niceStep(100)).toBe(120)
  })

  it('labels major ticks with the decimals they need', () => {
    const ticks = rulerTicks({ start: 0, pxPerSec: 100 }, 400)
    const labels = ticks.filter((tick) => tick.label).map((tick) => tick.label)
    expect(labels).toEqual(['0:00', '0:01', '0:02', '0:03', '0:04'])
    expect(ticks.length).toBe(21)
    const deep = rulerTicks({ start: 1800, pxPerSec: 44100 * 20 }, 1000)
    expect(deep.find((tick) => tick.label)?.label).toBe('30:00.0000')
  })
})

describe('the mel axis', () => {
  it('is linear below 1 kHz and logarithmic above, as librosa’s Slaney scale', async () => {
    const { hzToMel, frequencyTicks } = await import('../../../renderer/src/workspaces/sound/lib/frequency-axis')
    expect(hzToMel(1000)).toBeCloseTo(15)
    expect(hzToMel(500)).toBeCloseTo(7.5)
    expect(hzToMel(6400)).toBeCloseTo(42)
    const ticks = frequencyTicks(44100, 160)
    expect(ticks.map((tick) => tick.label)).toContain('1 kHz')
    expect(ticks.every((tick) => tick.fraction > 0 && tick.fraction < 1)).toBe(true)
    expect(ticks.map((tick) => tick.hz)).not.toContain(16000 * 2)
    expect(frequencyTicks(8000, 160).at(-1)?.hz).toBeLessThan(4000)
  })
})
