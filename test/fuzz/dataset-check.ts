import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { encodeWav } from '../../main/dsp/io'
import type { SoundDataset } from '../../main/sound/dataset'
import { withTempDir } from './temp-files'

/*
 * The metadata CSV readers take a data set's folder, so each input is written into a throwaway one laid
 * out as published (the CSV at `csvPath` under the root, the listed `clips` as tiny WAVs under audio/),
 * the importer runs on it and the folder is removed after.
 */

const wav = encodeWav({ sampleRate: 8000, channels: [Float32Array.of(0, 0.25, 0.5, 0.25, 0, -0.25, -0.5, -0.25)] }, 'pcm16')

export async function importFromTempFolder(
  bytes: Uint8Array,
  csvPath: string,
  clips: readonly string[],
  load: (root: string) => Promise<SoundDataset>,
): Promise<void> {
  await withTempDir(async (root) => {
    await mkdir(join(root, dirname(csvPath)), { recursive: true })
    await writeFile(join(root, csvPath), bytes)
    for (const clip of clips) {
      await mkdir(join(root, 'audio', dirname(clip)), { recursive: true })
      await writeFile(join(root, 'audio', clip), wav)
    }
    await load(root)
  })
}

export const utf8 = (text: string) => new TextEncoder().encode(text)
