/**
 * Compute benchmark runner: prints a table and writes bench/results/compute-<date>.json.
 *
 *   npm run bench -- [--json] [--quick] [--profile] [--backends wasm,cpu]   (the same figures as `percept bench compute`)
 *
 * --json prints the JSON instead of the table; --quick runs everything once (a smoke run, not figures);
 * --profile adds a kernel-by-kernel profile of a training step of the reference CNN and the ESC 'dilated' preset.
 * Where a Python with torch is found, the reference CNN's training step and ONNX inference are also timed
 * beside PyTorch's (main/compute/bench/pytorch-comparison.ts).
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../main/core/atomic-file'
import { backendPreference, type TfBackendName } from '../main/compute/backend'
import { dilatedNetwork } from '../main/app/benchmarks'
import { formatComputeBench, runComputeBench } from '../main/compute/bench/compute-bench'

function parseBackends(value: string | undefined): TfBackendName[] | undefined {
  if (!value) return undefined
  const names = value.split(',').map((s) => s.trim())
  const unknown = names.filter((n) => !(backendPreference as readonly string[]).includes(n))
  if (unknown.length) throw new Error(`unknown backend(s) ${unknown.join(', ')}; choose from ${backendPreference.join(', ')}`)
  return names as TfBackendName[]
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const json = args.includes('--json')
  const quick = args.includes('--quick')
  const profile = args.includes('--profile')
  const backendsAt = args.indexOf('--backends')
  const backends = parseBackends(backendsAt >= 0 ? args[backendsAt + 1] : undefined)
  const result = await runComputeBench({
    quick,
    profile,
    profileNetworks: [dilatedNetwork],
    ...(backends ? { backends } : {}),
    log: (line) => process.stderr.write(line + '\n'),
  })
  const text = JSON.stringify(result, null, 2) + '\n'
  const file = join(fileURLToPath(new URL('.', import.meta.url)), 'results', `compute-${result.date.slice(0, 10)}${profile ? '-profile' : ''}${quick ? '-quick' : ''}.json`)
  await writeFileAtomic(file, text)
  process.stdout.write(json ? text : formatComputeBench(result) + `\nWritten to ${file}\n`, () =>
    // The threaded wasm backend's pthread workers would keep Node running; everything is written.
    process.exit(0),
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/compute: ${(error as Error).stack ?? String(error)}\n`, () => process.exit(1))
})
