import type { Command } from 'commander'
import type { JobState, JobSummary } from '../api'
import { jobStateSchema } from '../api'
import type { JobDetail } from '../api/jobs'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { table, withWorkspace, type ConnectOptions, type WorkspaceClient } from './cli-connection'

/**
 * `percept jobs ...`. When an app already holds the workspace (its lock names a live process) the
 * commands call that app through the loopback API address its lock advertises; otherwise they open the
 * workspace in this process. A job resumed here runs here, in the foreground, until it ends.
 */

export interface JobCommandOptions extends ConnectOptions {
  /** Where output goes; tests capture it. Default: process.stdout. */
  out?: (text: string) => void
  env?: NodeJS.ProcessEnv
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`
}

function describeEta(seconds: number | null): string {
  if (seconds === null) return ''
  if (seconds < 90) return `, about ${Math.round(seconds)} s left`
  return `, about ${Math.round(seconds / 60)} min left`
}


function describeJob(job: JobDetail): string {
  const lines: [string, string][] = [
    ['Job', job.id],
    ['Name', job.title],
    ['Kind', job.kind],
    ['State', job.state],
    ['Progress', `${percent(job.fraction)} ${job.stage}${job.state === 'running' ? describeEta(job.etaSeconds) : ''}`],
    ['Created', job.createdAt],
    ['Started', job.startedAt ?? '-'],
    ['Finished', job.finishedAt ?? '-'],
    ['Attempts', String(job.attempts)],
    ['Resumable', job.resumable ? `yes${job.checkpoint !== null ? ` (checkpoint after ${job.checkpoint})` : ', no checkpoint yet'}` : 'no'],
    ['Input', JSON.stringify(job.input)],
  ]
  if (job.error) lines.push(['Error', `${job.error.message} [${job.error.code}]`])
  if (job.result !== null && job.result !== undefined) lines.push(['Result', JSON.stringify(job.result)])
  return lines.map(([k, v]) => `${k.padEnd(10)} ${v}`).join('\n') + '\n'
}

const finalStates: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted']

/** Prints progress until the job settles: events when it runs here, polling when another app runs it. */
export async function follow(client: WorkspaceClient, id: string, say: (text: string) => void): Promise<JobSummary> {
  let last = ''
  const show = (job: JobSummary): void => {
    const line = `${job.state} ${percent(job.fraction)} ${job.stage}`.trim()
    if (line !== last) say(`${line}${job.state === 'running' ? describeEta(job.etaSeconds) : ''}\n`)
    last = line
  }
  if (client.local) {
    const runner = client.local.jobs
    const stop = client.local.events.subscribe((event) => {
      if (event.event === 'job.progress' && event.payload.id === id) show(event.payload)
    })
    const interrupt = (): void => {
      say('stopping the job (Ctrl+C again to force)…\n')
      void runner.cancel(id)
    }
    process.once('SIGINT', interrupt)
    try {
      return await runner.whenSettled(id)
    } finally {
      process.off('SIGINT', interrupt)
      stop()
    }
  }
  for (;;) {
    const job = await client.call('jobs.get', { id })
    show(job)
    if (finalStates.includes(job.state)) return job
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/**
 * Adds `jobs list|show|cancel|resume` to the program. The composition of the CLI calls
 * `registerJobCommands(program)`; tests pass options to capture output and choose the workspace.
 */
export function registerJobCommands(program: Command, options: JobCommandOptions = {}): Command {
  const out = options.out ?? ((text: string) => void process.stdout.write(text))
  const env = options.env ?? process.env
  const home = (): string => resolveWorkspaceHome(undefined, env)

  const withClient = <T>(work: (client: WorkspaceClient) => Promise<T>): Promise<T> => withWorkspace(home(), options, work)

  const jobs = program.command('jobs').description('list, inspect, cancel and resume background jobs (training and other long work)')

  jobs
    .command('list')
    .description('jobs of the workspace, newest first')
    .option('--json', 'print JSON')
    .option('--state <states...>', `only jobs in these states (${jobStateSchema.options.join(', ')})`)
    .action((opts: { json?: boolean; state?: string[] }) =>
      withClient(async (client) => {
        const states = opts.state?.map((state) => {
          const parsed = jobStateSchema.safeParse(state)
          if (!parsed.success) throw new PerceptError('VALIDATION', `"${state}" is not a job state; use ${jobStateSchema.options.join(', ')}.`)
          return parsed.data
        })
        const list = await client.call('jobs.list', states ? { states } : {})
        if (opts.json) return out(JSON.stringify(list, null, 2) + '\n')
        if (!list.length) return out('No jobs.\n')
        out(
          table([
            ['ID', 'NAME', 'STATE', 'PROGRESS', 'CREATED', 'STAGE'],
            ...list.map((job) => [job.id, job.title, job.state, percent(job.fraction), job.createdAt, job.stage]),
          ]),
        )
      }),
    )

  jobs
    .command('show <id>')
    .description('one job: state, input, result or error, and its last log lines')
    .option('--json', 'print JSON (what the jobs.get method answers)')
    .action((id: string, opts: { json?: boolean }) =>
      withClient(async (client) => {
        const job = await client.call('jobs.get', { id })
        if (opts.json) return out(JSON.stringify(job, null, 2) + '\n')
        const { lines } = await client.call('jobs.logs', { id })
        out(describeJob(job))
        if (lines.length) {
          out(`Log (last ${Math.min(lines.length, 15)} of ${lines.length} lines)\n`)
          for (const line of lines.slice(-15)) out(`  ${line.time} ${line.level.padEnd(5)} ${line.message}\n`)
        }
      }),
    )

  jobs
    .command('cancel <id>')
    .description('stop a queued or running job (a running one stops within about 2 s)')
    .action((id: string) =>
      withClient(async (client) => {
        const job = await client.call('jobs.cancel', { id })
        out(`Job ${job.id} is ${job.state}.\n`)
      }),
    )

  jobs
    .command('resume <id>')
    .description('continue an interrupted, failed or cancelled training job from its last checkpoint')
    .option('--wait', 'when the app runs it, follow it until it ends (without an app it always runs here, in the foreground)')
    .action((id: string, opts: { wait?: boolean }) =>
      withClient(async (client) => {
        const queued = await client.call('jobs.resume', { id })
        if (client.local) {
          out(`Resuming job ${id} in this process; Ctrl+C stops it (it can be resumed again).\n`)
        } else {
          out(`Job ${id} is ${queued.state} in ${client.where}.\n`)
          if (!opts.wait) return
        }
        const final = await follow(client, id, out)
        if (final.state !== 'done') {
          const detail = await client.call('jobs.get', { id })
          throw new PerceptError(detail.error?.code ?? 'CANCELLED', `Job ${id} ended ${final.state}${detail.error ? `: ${detail.error.message}` : '.'}`)
        }
        out(`Job ${id} is done.\n`)
      }),
    )

  return jobs
}
