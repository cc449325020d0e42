import { open, rename, rm, type FileHandle } from 'node:fs/promises'

/*
 * A 16-bit mono WAV written piece by piece, for audio too long to hold (100,000 characters of text are
 * hours of speech): the samples go to `<path>.part` as they come, the header is written last with the
 * final sizes, and the file is renamed into place, so `path` is only ever absent or whole.
 */
export class GrowingWav {
  private frames = 0

  private constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    private readonly sampleRate: number,
  ) {}

  static async create(path: string, sampleRate: number): Promise<GrowingWav> {
    const file = await open(`${path}.part`, 'w')
    await file.write(new Uint8Array(44), 0, 44, 0)
    return new GrowingWav(path, file, sampleRate)
  }

  async append(samples: Float32Array): Promise<void> {
    const bytes = new Uint8Array(samples.length * 2)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < samples.length; i++) {
      const v = Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767) || 0
      view.setInt16(i * 2, v, true)
    }
    await this.file.write(bytes, 0, bytes.length, 44 + this.frames * 2)
    this.frames += samples.length
  }

  /** Writes the header, syncs and renames into place; answers the seconds written. */
  async finish(): Promise<number> {
    const header = new DataView(new ArrayBuffer(44))
    const text = (at: number, s: string) => [...s].forEach((c, i) => header.setUint8(at + i, c.charCodeAt(0)))
    const data = this.frames * 2
    text(0, 'RIFF')
    header.setUint32(4, 36 + data, true)
    text(8, 'WAVE')
    text(12, 'fmt ')
    header.setUint32(16, 16, true)
    header.setUint16(20, 1, true) // PCM
    header.setUint16(22, 1, true) // mono
    header.setUint32(24, this.sampleRate, true)
    header.setUint32(28, this.sampleRate * 2, true)
    header.setUint16(32, 2, true)
    header.setUint16(34, 16, true)
    text(36, 'data')
    header.setUint32(40, data, true)
    await this.file.write(new Uint8Array(header.buffer), 0, 44, 0)
    await this.file.sync()
    await this.file.close()
    await rename(`${this.path}.part`, this.path)
    return this.frames / this.sampleRate
  }

  /** Drops the unfinished file (a cancelled or failed job). */
  async abandon(): Promise<void> {
    await this.file.close().catch(() => {})
    await rm(`${this.path}.part`, { force: true })
  }
}
