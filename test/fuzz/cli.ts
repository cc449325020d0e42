/*
 * `npm run fuzz -- [--seconds N] [--seed S] [--target name[,name]]`: runs every fuzz target for N seconds
 * each (default 60), keeps each failing input as a regression fixture, prints the counts and writes them
 * to test-results/fuzz.json. Exits 1 when anything failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fuzzTargets, runFuzzTarget, type FuzzReport } from './runner'

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, target: { type: 'string' } },
})
const seconds = Number(values.seconds)
if (!(seconds > 0)) throw new Error('--seconds must be a positive number')
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
const wanted = values.target?.split(',')
const targets = fuzzTargets().filter((t) => !wanted || wanted.includes(t.name))
if (targets.length === 0) throw new Error(`no fuzz target named ${values.target}; have: ${fuzzTargets().map((t) => t.name).join(', ')}`)

console.log(`fuzzing ${targets.length} target(s), ${seconds} s each, seed ${seed}`)
const reports: FuzzReport[] = []
for (const target of targets) {
  const report = await runFuzzTarget(target, { seed, seconds, saveFailures: true })
  reports.push(report)
  console.log(`${report.target.padEnd(20)} ${String(report.inputs).padStart(8)} inputs  ${String(report.regressions).padStart(4)} regressions  ${report.failures.length} failed`)
  for (const failure of report.failures) console.log(`  ${failure.reason.split('\n')[0]}\n    kept as ${relative(process.cwd(), failure.input)}`)
}
const out = fileURLToPath(new URL('../../test-results/', import.meta.url))
mkdirSync(out, { recursive: true })
writeFileSync(`${out}fuzz.json`, JSON.stringify({ seed, secondsPerTarget: seconds, reports }, null, 2) + '\n')
const failed = reports.reduce((n, r) => n + r.failures.length, 0)
console.log(`${reports.reduce((n, r) => n + r.inputs, 0)} inputs, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
