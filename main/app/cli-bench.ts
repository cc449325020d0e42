import type { Command } from 'commander'
import { resolve } from 'node:path'
import { writeJsonAtomic } from '../core/atomic-file'
import { benchmarks } from './benchmarks'

/** `percept bench <name>`: figures on stdout (a table, or JSON with --json), progress on stderr. */
export function registerBenchCommands(program: Command): Command {
  const bench = program.command('bench').description('benchmarks that print figures and can write them as JSON')
  for (const [name, benchmark] of Object.entries(benchmarks)) {
    const command = bench
      .command(name)
      .description(benchmark.description)
      .option('--json', 'print JSON')
      .option('--quick', 'one repetition, smallest inputs: a smoke run, not figures')
      .option('--out <file>', 'also write the JSON to this file')
    if (benchmark.profile) command.option('--profile', `also ${benchmark.profile}`)
    command.action(async (opts: { json?: boolean; quick?: boolean; out?: string; profile?: boolean }) => {
      const result = await benchmark.run({ quick: Boolean(opts.quick), profile: Boolean(opts.profile), log: (line) => process.stderr.write(line + '\n') })
      if (opts.out) await writeJsonAtomic(resolve(opts.out), result)
      process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : benchmark.format(result))
    })
  }
  return program
}
