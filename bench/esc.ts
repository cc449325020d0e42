/**
 * Sound classification benchmark runner: prints a table and writes bench/results/esc-<date>.json.
 *
 *   npm run bench:esc -- [--json] [--quick]   (the same figures as `percept bench esc`)
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../main/core/atomic-file'
import { formatEscBench, runEscBench } from '../main/sound/bench/esc-bench'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const quick = args.includes('--quick')
  const result = await runEscBench({ quick, log: (line) => process.stderr.write(line + '\n') })
  const text = JSON.stringify(result, null, 2) + '\n'
  const file = join(fileURLToPath(new URL('.', import.meta.url)), 'results', `esc-${result.date.slice(0, 10)}${quick ? '-quick' : ''}.json`)
  await writeFileAtomic(file, text)
  process.stdout.write(args.includes('--json') ? text : formatEscBench(result) + `\nWritten to ${file}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/esc: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
