#!/usr/bin/env node
// The `percept` command: a thin launcher for the built CLI in out/main.
import { existsSync } from 'node:fs'

const entry = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('percept: the app is not built yet. Run `npm run build` (or `npm start`, which builds) first.\n')
  process.exit(1)
}
const { runCli } = await import(entry.href)
await runCli(process.argv)
