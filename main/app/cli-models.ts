import type { Command } from 'commander'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { ModelCheckReport, ModelPackageSummary } from '../api'
import { checkModelPackage, openModelChoice } from '../compute/model-package'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { table, withWorkspace, type ConnectOptions } from './cli-connection'

export interface ModelCommandOptions extends ConnectOptions {
  out?: (text: string) => void
  env?: NodeJS.ProcessEnv
}

function shapeText(shape: (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

function describeCheck(report: ModelCheckReport): string {
  const lines = [
    `${report.ok ? 'OK' : 'PROBLEMS'}: loaded in ${report.loadMs.toFixed(1)} ms, ran in ${report.runMs.toFixed(1)} ms`,
    ...report.inputs.map((i) => `  in   ${i.name} ${shapeText(i.shape)} ${i.dtype}`),
    ...report.outputs.map(
      (o) =>
        `  out  ${o.name} ${shapeText(o.shape)} ${o.dtype}${o.finite ? '' : ' NOT FINITE'}` +
        `${o.matchesDeclared ? '' : ' (differs from model.json)'}` +
        (o.min !== null && o.max !== null ? ` range ${o.min.toPrecision(4)}..${o.max.toPrecision(4)}` : ''),
    ),
    ...report.problems.map((p) => `  problem: ${p}`),
  ]
  return lines.join('\n') + '\n'
}

async function checkChosen(path: string, modelsDir: string): Promise<ModelCheckReport> {
  const chosen = await openModelChoice(path, modelsDir)
  try {
    return await checkModelPackage(chosen.pkg.dir)
  } finally {
    await chosen.release()
  }
}

/** `percept models list|import|export|check|delete`, against the running app or the workspace opened here. */
export function registerModelCommands(program: Command, options: ModelCommandOptions = {}): Command {
  const out = options.out ?? ((text: string) => void process.stdout.write(text))
  const home = (): string => resolveWorkspaceHome(undefined, options.env ?? process.env)
  const models = program.command('models').description('installed ONNX model packages')

  models
    .command('list')
    .description('list installed models, then the ones bundled with the app (read-only)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withWorkspace(home(), options, async (client) => {
        const list: ModelPackageSummary[] = await client.call('models.list', {})
        if (opts.json) return out(JSON.stringify(list, null, 2) + '\n')
        if (!list.length) return out('No models installed. Import one with `percept models import <folder-or-zip>`.\n')
        out(table([['ID', 'SOURCE', 'TASK', 'INPUTS', 'OUTPUTS'], ...list.map((m) => [
          m.id,
          m.bundled ? 'bundled' : 'installed',
          m.meta.task,
          m.meta.inputs.map((i) => `${i.name}${shapeText(i.shape)}`).join(' '),
          m.meta.outputs.map((o) => `${o.name}${shapeText(o.shape)}`).join(' '),
        ])]))
      }),
    )

  models
    .command('import <path>')
    .description('install a model package from a folder or .zip (model.onnx + model.json [+ card.md])')
    .action((path: string) =>
      withWorkspace(home(), options, async (client) => {
        const model = await client.call('models.import', { path: resolve(path) })
        out(`Installed ${model.meta.name} as ${model.id} (${model.dir}).\n`)
      }),
    )

  models
    .command('export <id> <path>')
    .description('write an installed model as a .zip (into <path> when it is a folder)')
    .action((id: string, path: string) =>
      withWorkspace(home(), options, async (client) => {
        out(`Wrote ${(await client.call('models.export', { id, path: resolve(path) })).path}\n`)
      }),
    )

  models
    .command('delete <id>')
    .description('remove an installed model')
    .action((id: string) =>
      withWorkspace(home(), options, async (client) => {
        await client.call('models.delete', { id })
        out(`Deleted ${id}.\n`)
      }),
    )

  models
    .command('check <dir-zip-or-id>')
    .description('run a package (a folder, its .zip, or an installed id) once on a sample input')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { json?: boolean }) => {
      // A folder or a zip is checked where it lies, without opening the workspace.
      const onDisk = (await stat(target).catch(() => null)) !== null
      const report = onDisk
        ? await checkChosen(resolve(target), join(home(), 'models'))
        : await withWorkspace(home(), options, (client) => client.call('models.check', { id: target }))
      out(opts.json ? JSON.stringify(report, null, 2) + '\n' : describeCheck(report))
      if (!report.ok) process.exitCode = 1
    })
  return program
}
