import type { Command } from 'commander'
import { resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { logMelFeatures } from '../dsp/audio-features'
import { writeNpy } from '../dsp/features'
import { describeAudio, readAudioFile, resampleAudio, writeWavFile, type WavEncoding } from '../dsp/io'
import { oneOf, wholeNumber } from './cli-options'

const encodings: WavEncoding[] = ['pcm16', 'pcm24', 'pcm32', 'float32']

/** `percept audio info|features|resample`: in-process work on files, no workspace needed. */
export function registerAudioCommands(program: Command): Command {
  const audio = program.command('audio').description('sound files: facts, features and resampling')
  audio
    .command('info <file>')
    .description('format, sample rate, channels, length, peak, RMS and loudness (LUFS) of a WAV, FLAC, MP3 or Ogg file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const info = describeAudio(await readAudioFile(resolve(file)))
      if (opts.json) return void process.stdout.write(JSON.stringify(info, null, 2) + '\n')
      const db = (v: number): string => (v > 0 ? `${(20 * Math.log10(v)).toFixed(1)} dBFS` : '-inf dBFS')
      const rows: [string, string][] = [
        ['Format', `${info.format} (${info.encoding})`],
        ['Sample rate', `${info.sampleRate} Hz`],
        ['Channels', String(info.channels)],
        ['Length', `${info.duration.toFixed(3)} s (${info.frames} frames)`],
        ['Peak', db(info.peak)],
        ['RMS', db(info.rms)],
        ['Loudness', info.lufs === null ? 'n/a (silent or under 400 ms)' : `${info.lufs.toFixed(1)} LUFS`],
      ]
      process.stdout.write(rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n') + '\n')
    })
  audio
    .command('features <file>')
    .description('log-mel spectrogram (librosa defaults) of the mono mixdown as a float32 .npy, shape (channels, n_mels, frames)')
    .requiredOption('--out <file.npy>', 'where to write the .npy')
    .option('--kind <kind>', 'feature kind (logmel)', 'logmel')
    .option('--sr <hz>', 'resample to this rate first', wholeNumber(1), 22050)
    .option('--n-fft <n>', 'FFT size (a power of two)', wholeNumber(1), 2048)
    .option('--hop <n>', 'hop length in samples', wholeNumber(1), 512)
    .option('--n-mels <n>', 'mel bands', wholeNumber(1), 128)
    .option('--delta', 'add the delta (width 9) as channel 1')
    .action(async (file: string, opts: { out: string; kind: string; sr: number; nFft: number; hop: number; nMels: number; delta?: boolean }) => {
      if (opts.kind !== 'logmel') throw new PerceptError('VALIDATION', `Unknown feature kind "${opts.kind}": the kind this version computes is logmel.`)
      if (!opts.out.toLowerCase().endsWith('.npy')) throw new PerceptError('VALIDATION', `--out must name a .npy file, got ${opts.out}.`)
      const features = await logMelFeatures(await readAudioFile(resolve(file)), {
        sr: opts.sr,
        nFft: opts.nFft,
        hopLength: opts.hop,
        nMels: opts.nMels,
        delta: Boolean(opts.delta),
      })
      await writeNpy(resolve(opts.out), features.data, features.shape)
      process.stdout.write(`${resolve(opts.out)}: float32 (${features.shape.join(', ')})\n`)
    })
  audio
    .command('resample <in> <out>')
    .description('resample to another rate (band-limited) and write WAV')
    .requiredOption('--sr <hz>', 'the new sample rate', wholeNumber(1))
    .option('--encoding <encoding>', `WAV sample format (${encodings.join(', ')}); default: the input's if PCM 16/24, else float32`, oneOf(encodings))
    .action(async (input: string, output: string, opts: { sr: number; encoding?: WavEncoding }) => {
      if (!/\.wave?$/i.test(output)) throw new PerceptError('VALIDATION', `The output is written as WAV: name it .wav (got ${output}).`)
      const decoded = await readAudioFile(resolve(input))
      const resampled = await resampleAudio(decoded, opts.sr)
      const encoding = opts.encoding ?? (decoded.encoding === 'pcm16' || decoded.encoding === 'pcm24' ? decoded.encoding : 'float32')
      await writeWavFile(resolve(output), resampled, encoding)
      process.stdout.write(`${resolve(output)}: ${opts.sr} Hz, ${resampled.channels.length} channel(s), ${resampled.channels[0]?.length ?? 0} frames, ${encoding}\n`)
    })
  return program
}
