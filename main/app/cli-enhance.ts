import { type Command, InvalidArgumentError } from 'commander'
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { writeNpy } from '../dsp/features'
import { readMono16k, resampleNote } from '../enhance/audio-source'
import { burstStep } from '../enhance/burst-dense'
import { matrixToLists, parseBurstCase } from '../enhance/burst-case'
import { requireFrames } from '../enhance/frames'
import { DEFAULT_LC_DB, signalIdealBinaryMask } from '../enhance/ideal-binary-mask'
import { mixAtSnr } from '../enhance/mixture'
import { registerEnhanceCorpusCommands } from './cli-enhance-corpus'
import { registerEnhanceLipsCommand } from './cli-enhance-lips'
import { registerEnhanceRunCommand } from './cli-enhance-run'
import { registerEnhanceTrainCommands } from './cli-enhance-train'
import { printJson } from './cli-options'

function decibels(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number of dB, e.g. 0, -6 or 5.')
  return n
}

async function readCase(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new PerceptError('NOT_FOUND', `${path} does not exist. Check the path to the case file.`)
    if (code === 'EISDIR') throw new PerceptError('VALIDATION', `${path} is a folder; --case takes a JSON file.`)
    throw error
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new PerceptError('VALIDATION', `${basename(path)} is not valid JSON (${(error as Error).message}); fix it or write it again with a JSON writer.`)
  }
}

/** `percept enhance ...`: the speech-enhancement commands (masks, burst steps, corpus, train / eval as jobs, run). */
export function registerEnhanceCommands(program: Command): Command {
  const enhance = program.command('enhance').description('audio-visual speech enhancement: ideal binary masks, burst-propagation steps, the corpus, training and evaluating the mask models, enhancing files')
  enhance
    .command('ibm')
    .description('the ideal binary mask (paper eq. 9) of clean speech plus noise at an SNR, as a float32 .npy of shape (frames, 622)')
    .requiredOption('--clean <file>', 'clean speech (resampled to 16 kHz mono when it is not)')
    .requiredOption('--noise <file>', 'noise, cut or repeated to the clean length from its start')
    .requiredOption('--snr <dB>', 'whole-file clean-to-noise energy ratio', decibels)
    .option('--lc <dB>', 'local criterion: a unit is 1 where its SNR is at least this', decibels, DEFAULT_LC_DB)
    .requiredOption('--out <file>', 'the .npy file to write')
    .option('--json', 'print JSON')
    .action(async (opts: { clean: string; noise: string; snr: number; lc: number; out: string; json?: boolean }) => {
      if (!/\.npy$/i.test(opts.out)) throw new PerceptError('VALIDATION', `--out must be an .npy file, got ${basename(opts.out)}.`)
      const [clean, noise] = await Promise.all([readMono16k(resolve(opts.clean)), readMono16k(resolve(opts.noise))])
      requireFrames(clean.samples.length, 1, basename(opts.clean))
      const mixture = mixAtSnr(clean.samples, noise.samples, opts.snr)
      const { frames, bins, mask } = signalIdealBinaryMask(clean.samples, mixture.noise, opts.lc)
      const out = resolve(opts.out)
      await writeNpy(out, mask, [frames, bins])
      let ones = 0
      for (const v of mask) ones += v
      const notes = [resampleNote(opts.clean, clean), resampleNote(opts.noise, noise)].filter((n): n is string => n !== null)
      const summary = {
        out,
        frames,
        bins,
        fractionOnes: ones / mask.length,
        resampled: clean.resampled || noise.resampled,
        sourceRates: { clean: clean.sourceRate, noise: noise.sourceRate },
        sampleRate: 16000,
        snrDb: opts.snr,
        lcDb: opts.lc,
        noiseGain: mixture.gain,
        notes,
      }
      if (opts.json) return printJson(summary)
      for (const note of notes) process.stdout.write(`${note}\n`)
      process.stdout.write(`${out}: ${frames} frames x ${bins} bins, ${(100 * summary.fractionOnes).toFixed(1)}% ones (SNR ${opts.snr} dB, LC ${opts.lc} dB)\n`)
    })
  enhance
    .command('burst-step')
    .description('one burst-propagation step (paper eqs. 1-8) of a dense sigmoid network: event rates and weight gradients')
    .requiredOption('--case <file>', 'JSON: {"weights", "feedback", "input", "target", "pbar", "loss": "mse"}')
    .option('--json', 'print JSON')
    .action(async (opts: { case: string; json?: boolean }) => {
      const step = burstStep(parseBurstCase(await readCase(resolve(opts.case))))
      const result = { e: step.e.map((e) => Array.from(e)), grad: step.grad.map(matrixToLists) }
      if (opts.json) return printJson(result)
      result.e.forEach((e, l) => process.stdout.write(`e_${l + 1} = [${e.map((v) => v.toPrecision(8)).join(', ')}]\n`))
      result.grad.forEach((g, l) => process.stdout.write(`G_${l + 1} = [${g.map((row) => `[${row.map((v) => v.toPrecision(8)).join(', ')}]`).join(', ')}]\n`))
      process.stdout.write(`loss = ${step.loss.toPrecision(8)}\n`)
    })
  registerEnhanceCorpusCommands(enhance)
  registerEnhanceTrainCommands(enhance)
  registerEnhanceRunCommand(enhance)
  registerEnhanceLipsCommand(enhance)
  return enhance
}
