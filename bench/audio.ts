/**
 * Audio benchmark runner: prints a table and writes bench/results/audio-<date>.json.
 *
 *   npm run bench:audio -- [--json] [--quick]   (the same figures as `percept bench audio`)
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatAudioBench, runAudioBench } from '../main/audio/bench/audio-bench'
import { writeFileAtomic } from '../main/core/atomic-file'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const quick = args.includes('--quick')
  const result = await runAudioBench({ quick, log: (line) => process.stderr.write(line + '\n') })
  const text = JSON.stringify(result, null, 2) + '\n'
  const file = join(fileURLToPath(new URL('.', import.meta.url)), 'results', `audio-${result.date.slice(0, 10)}${quick ? '-quick' : ''}.json`)
  await writeFileAtomic(file, text)
  process.stdout.write(args.includes('--json') ? text : formatAudioBench(result) + `\nWritten to ${file}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/audio: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
