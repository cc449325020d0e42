/**
 * Runs one benchmark, prints its table and writes bench/results/<name>-<date>.json.
 *
 *   tsx bench/run.ts <compute|audio|esc|faces> [--json] [--quick]   (the figures of `percept bench <name>`)
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchmarks } from '../main/app/benchmarks'
import { writeFileAtomic } from '../main/core/atomic-file'

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2)
  const benchmark = name ? benchmarks[name] : undefined
  if (!benchmark) throw new Error(`name a benchmark: ${Object.keys(benchmarks).join(', ')}`)
  const quick = args.includes('--quick')
  const result = await benchmark.run({ quick, log: (line) => process.stderr.write(line + '\n') })
  const text = JSON.stringify(result, null, 2) + '\n'
  const file = join(fileURLToPath(new URL('.', import.meta.url)), 'results', `${name}-${result.date.slice(0, 10)}${quick ? '-quick' : ''}.json`)
  await writeFileAtomic(file, text)
  process.stdout.write(args.includes('--json') ? text : benchmark.format(result) + `\nWritten to ${file}\n`, () =>
    // The threaded wasm backend's pthread workers would keep Node running; everything is written.
    process.exit(0),
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`, () => process.exit(1))
})
