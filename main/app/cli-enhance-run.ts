import type { Command } from 'commander'
import { basename, join, resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { prepareLips, type PreparedLips } from '../enhance/corpus/lip-prepare'
import { enhanceFile } from '../enhance/enhance-file'
import { openEnhanceModel, type MaskKind } from '../enhance/enhancer'
import { resolveEnhanceModel } from '../enhance/model-choice'
import { bundledModelsDir } from './bundled-models'
import { oneOf, printJson } from './cli-options'

/** `percept enhance run`: one noisy file enhanced with a trained mask model (bundled Unimodal by default). */
export function registerEnhanceRunCommand(enhance: Command): Command {
  enhance
    .command('run')
    .description('enhance a noisy speech file with a mask model: audio alone (the bundled Unimodal model by default) or with the speaker\'s lip frames')
    .requiredOption('--noisy <file>', 'the noisy speech (WAV, FLAC, MP3, Ogg; resampled to 16 kHz mono when it is not)')
    .option('--lips <dir>', 'folder of the speaker\'s lip frames at 25 fps: 92 x 50 lip crops, or full-face frames (cropped first by the face-landmark model, as `percept enhance lips` does); a video file must have its frames extracted first')
    .option('--model <name-dir-zip-or-id>', 'unimodal, multimodal or mburst (the bundled ones), a package folder, its .zip, or an installed id (default: unimodal, or multimodal with --lips)')
    .requiredOption('--out <file.wav>', 'the enhanced 16 kHz WAV to write')
    .option('--mask <kind>', 'soft (the sigmoid output as gains: on held-out fixture mixtures it beats the thresholded mask on SI-SDR and STOI) or binary (the estimated IBM: units >= 0.5 kept)', oneOf<MaskKind>(['soft', 'binary']), 'soft')
    .option('--stream', 'enhance hop by hop as a live input would be (latency 1244 samples = 77.75 ms); the output is the same')
    .option('--json', 'print JSON')
    .action(async (opts: { noisy: string; lips?: string; model?: string; out: string; mask: MaskKind; stream?: boolean; json?: boolean }) => {
      if (!/\.wav$/i.test(opts.out)) throw new PerceptError('VALIDATION', `--out must be a .wav file, got ${basename(opts.out)}.`)
      const chosen = await resolveEnhanceModel(opts.model, join(resolveWorkspaceHome(), 'models'), bundledModelsDir(), opts.lips !== undefined)
      // The session holds the graph in memory: a .zip's unpacked copy is not needed past this point.
      const model = await openEnhanceModel(chosen.pkg).finally(() => chosen.release())
      let lips: PreparedLips | null = null
      try {
        // Full-face frames are cropped to lips in a thread of their own (face-api never runs beside the model).
        lips = opts.lips !== undefined && model.withLips ? await prepareLips(resolve(opts.lips)) : null
        const result = await enhanceFile(model, {
          noisy: resolve(opts.noisy),
          ...(opts.lips === undefined ? {} : { lips: lips?.dir ?? resolve(opts.lips) }),
          out: resolve(opts.out),
          mask: opts.mask,
          stream: Boolean(opts.stream),
        })
        result.notes.unshift(...(lips?.notes ?? []))
        if (opts.json) return printJson(result)
        for (const note of result.notes) process.stdout.write(`${note}\n`)
        process.stdout.write(
          `${result.out}: ${result.durationSeconds.toFixed(2)} s enhanced with ${result.model} (${result.kind}, ${result.mask} mask) in ${result.seconds.toFixed(2)} s, ` +
            `real-time factor ${result.realTimeFactor.toFixed(3)} (${result.cpuSeconds.toFixed(2)} s of CPU; after a ${result.warmUpSeconds.toFixed(2)} s warm-up on 1 s of noise); mean firing rate ${result.firingRates.network!.toFixed(3)}\n`,
        )
        if (result.streaming) process.stdout.write(`streaming: latency ${result.streaming.latencySamples} samples (${(1000 * result.streaming.latencySeconds).toFixed(2)} ms), ${result.streaming.perFrameMs.toFixed(2)} ms of model per 19.4 ms hop\n`)
      } finally {
        await lips?.release()
        await model.release()
      }
    })
  return enhance
}
