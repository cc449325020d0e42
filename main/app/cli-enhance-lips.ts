import type { Command } from 'commander'
import { resolve } from 'node:path'
import { cropLipFrames } from '../enhance/corpus/lip-frames'
import { oneOf, printJson } from './cli-options'

/**
 * `percept enhance lips`: full-face video frames to the 92 x 50 lip crops the multimodal models read, once,
 * in this process of its own (the face-landmark model replaces TF.js kernels: it never runs beside training).
 */
export function registerEnhanceLipsCommand(enhance: Command): Command {
  enhance
    .command('lips <frames-dir>')
    .description('crop the lips of full-face video frames (numbered PNG or JPEG, 25 fps, any size) to the 92 x 50 frames that --lips and the corpus take, by a face-landmark model')
    .requiredOption('--out <lips-dir>', 'a new or empty folder for the crops (frame_0000.png, ...)')
    .option('--detector <kind>', 'tiny (Tiny Face Detector, about 5 times faster; SSD retries the frames where it finds no face) or ssd (SSD MobileNet v1 alone)', oneOf(['tiny', 'ssd'] as const), 'tiny')
    .option('--json', 'print JSON')
    .action(async (framesDir: string, opts: { out: string; detector: 'tiny' | 'ssd'; json?: boolean }) => {
      const progress = opts.json ? undefined : (done: number, total: number) => void process.stderr.write(`\r${Math.round((100 * done) / total)}%`)
      const summary = await cropLipFrames(resolve(framesDir), resolve(opts.out), { detector: opts.detector, ...(progress ? { onStep: progress } : {}) })
      // the per-frame geometry stays out of the printout: a minute of video is 1500 entries
      const { geometry: _geometry, ...printed } = summary
      if (opts.json) return printJson(printed)
      process.stderr.write('\n')
      for (const note of summary.notes) process.stdout.write(`${note}\n`)
      process.stdout.write(
        `${summary.out}: ${summary.frames} lip crops of 92 x 50 from ${summary.frameSize} frames; a face in ${summary.found}, ` +
          `${summary.fallback} took the last good crop; ${summary.seconds.toFixed(1)} s\n`,
      )
    })
  return enhance
}
