import type { Command } from 'commander'
import { resolve } from 'node:path'
import { formatAudioBench, runAudioBench } from '../audio/bench/audio-bench'
import { formatComputeBench, runComputeBench } from '../compute/bench/compute-bench'
import { formatEscBench, runEscBench } from '../sound/bench/esc-bench'
import { writeJsonAtomic } from '../core/atomic-file'

/** `percept bench compute|audio|esc`: figures on stdout (a table, or JSON with --json), progress on stderr. */
export function registerBenchCommands(program: Command): Command {
  const bench = program.command('bench').description('benchmarks that print figures and can write them as JSON')
  bench
    .command('compute')
    .description('TF.js ops and a training step on every backend that loads, and onnxruntime inference (ms per item)')
    .option('--json', 'print JSON')
    .option('--out <file>', 'also write the JSON to this file')
    .action(async (opts: { json?: boolean; out?: string }) => {
      const result = await runComputeBench({ log: (line) => process.stderr.write(line + '\n') })
      if (opts.out) await writeJsonAtomic(resolve(opts.out), result)
      process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : formatComputeBench(result))
    })
  bench
    .command('audio')
    .description('log-mel + delta throughput, resampling, and opening a 1-hour file (decode, loudness, peaks)')
    .option('--json', 'print JSON')
    .option('--quick', 'one repetition and no 1-hour file: a smoke run, not figures')
    .option('--out <file>', 'also write the JSON to this file')
    .action(async (opts: { json?: boolean; quick?: boolean; out?: string }) => {
      const result = await runAudioBench({ quick: Boolean(opts.quick), log: (line) => process.stderr.write(line + '\n') })
      if (opts.out) await writeJsonAtomic(resolve(opts.out), result)
      process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : formatAudioBench(result))
    })
  bench
    .command('esc')
    .description("sound classification: a training step of the 'dilated' preset at batch 32, and features + ONNX inference of a clip")
    .option('--json', 'print JSON')
    .option('--quick', 'one repetition: a smoke run, not figures')
    .option('--out <file>', 'also write the JSON to this file')
    .action(async (opts: { json?: boolean; quick?: boolean; out?: string }) => {
      const result = await runEscBench({ quick: Boolean(opts.quick), log: (line) => process.stderr.write(line + '\n') })
      if (opts.out) await writeJsonAtomic(resolve(opts.out), result)
      process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : formatEscBench(result))
    })
  return program
}
