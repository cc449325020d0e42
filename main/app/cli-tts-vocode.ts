import { type Command, InvalidArgumentError } from 'commander'
import { resolve } from 'node:path'
import { vocodeFile } from '../tts/vocoder/vocode'

function fftSize(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 64 || n > 2048 || (n & (n - 1)) !== 0) throw new InvalidArgumentError('expected a power of two from 64 to 2048.')
  return n
}

const fixed = (v: number | null, digits: number): string => (v === null ? 'n/a' : v.toFixed(digits))

/** `percept tts vocode <in> --out <out>`: WORLD-style analysis -> synthesis at 16 kHz, with MCD and F0 error. */
export function registerVocodeCommand(tts: Command): void {
  tts
    .command('vocode <in>')
    .description('analyse a recording (F0 by DIO + StoneMask, CheapTrick envelope, D4C aperiodicity; 16 kHz, 5 ms frames, FFT 2048) and resynthesise it; other sample rates are resampled to 16 kHz first. Reports MCD (dB, voiced frames), F0 RMSE (cents), V/UV error and real-time factors')
    .requiredOption('--out <file>', 'the resynthesised 16 kHz mono WAV (16-bit) to write')
    .option('--fft-size <n>', 'FFT of the synthesis per pulse (the analysis always uses 2048)', fftSize, 1024)
    .option('--json', 'print JSON')
    .action(async (input: string, opts: { out: string; fftSize: number; json?: boolean }) => {
      const report = await vocodeFile(resolve(input), resolve(opts.out), { fftSize: opts.fftSize })
      if (opts.json) return void process.stdout.write(JSON.stringify(report, null, 2) + '\n')
      const from = report.resampled ? ` (resampled from ${report.inputSampleRate} Hz)` : ''
      process.stdout.write(
        [
          `${report.output}: ${report.duration.toFixed(2)} s at 16 kHz${from}`,
          `  analysis ${report.analysisSeconds.toFixed(2)} s (RTF ${report.analysisRealTimeFactor.toFixed(3)}), synthesis ${report.synthesisSeconds.toFixed(2)} s (RTF ${report.synthesisRealTimeFactor.toFixed(3)})`,
          `  MCD ${fixed(report.mcd, 2)} dB, log-spectral distance ${fixed(report.logSpectralDistance, 2)} dB over ${report.voicedFrames} voiced frames of ${report.frames}`,
          `  F0 RMSE ${fixed(report.f0RmseCents, 1)} cents (${fixed(report.f0RmseHz, 1)} Hz), V/UV error ${fixed(report.vuvError === null ? null : report.vuvError * 100, 1)} %`,
          '',
        ].join('\n'),
      )
    })
}
