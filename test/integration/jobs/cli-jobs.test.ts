import { Command } from 'commander'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobSummary } from '../../../main/api'
import { registerJobCommands } from '../../../main/app/cli-jobs'
import { createPercept } from '../../../main/app/compose'
import { advertiseEndpoint, findRunningInstance } from '../../../main/app/instance-endpoint'
import { startWebServer, type WebServer } from '../../../main/app/web-server'
import { PerceptError } from '../../../main/core/errors'
import { peekCheckpoint } from '../../../main/core/jobs/checkpoint'
import { tempHome } from '../../helpers/temp-home'
import { waitFor } from './fixtures/harness'

let home: string
let cleanup: () => void
const toClose: (() => unknown)[] = []

beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close()
  cleanup()
})

/** Runs `percept jobs ...` in this process; resolves to what it printed, or rejects with its error. */
async function percept(...args: string[]): Promise<string> {
  let output = ''
  const program = new Command('percept').exitOverride()
  registerJobCommands(program, { out: (text) => (output += text), env: { PERCEPT_HOME: home } })
  await program.parseAsync(args, { from: 'user' })
  return output
}

async function failure(...args: string[]): Promise<string> {
  try {
    await percept(...args)
  } catch (error) {
    return error instanceof PerceptError ? `${error.code}: ${error.message}` : `untyped: ${(error as Error).message}`
  }
  return 'no error'
}

describe('percept jobs, with no app running: the CLI opens the workspace itself', () => {
  it('lists, shows and resumes (in the foreground) the jobs of the workspace', async () => {
    // An earlier session: one finished count and one training run closed mid-way.
    const app = createPercept({ door: 'test', proposedHome: home })
    const count = app.jobs.start('demo.count', { n: 3, delayMs: 0 })
    const training = app.jobs.start('demo.train', { epochs: 3, samples: 64, batchSize: 16, epochDelayMs: 300 })
    await app.jobs.whenSettled(count.id)
    await waitFor('a checkpoint', () => peekCheckpoint(join(home, 'runs', training.id)))
    app.close()

    const listed = JSON.parse(await percept('jobs', 'list', '--json')) as JobSummary[]
    expect(listed.map((j) => [j.id, j.state])).toEqual([
      [training.id, 'interrupted'],
      [count.id, 'done'],
    ])
    const text = await percept('jobs', 'list')
    expect(text.split('\n')[0]).toMatch(/^ID +NAME +STATE +PROGRESS +CREATED +STAGE$/)
    expect(text).toMatch(new RegExp(`${count.id} +Demo count to 3 +done +100%`))
    expect(await percept('jobs', 'list', '--state', 'interrupted', '--json')).toContain(training.id)
    expect(await failure('jobs', 'list', '--state', 'sleeping')).toMatch(/^VALIDATION: "sleeping" is not a job state/)

    const shown = await percept('jobs', 'show', count.id)
    expect(shown).toContain(`Job        ${count.id}`)
    expect(shown).toContain('Result     {"count":3,"sum":6}')
    expect(shown).toMatch(/info +counted to 3/)
    expect(JSON.parse(await percept('jobs', 'show', count.id, '--json'))).toMatchObject({ id: count.id, result: { count: 3, sum: 6 } })
    expect(await failure('jobs', 'show', 'job-nope')).toMatch(/^NOT_FOUND: There is no job job-nope/)
    expect(await failure('jobs', 'cancel', count.id)).toBe(`VALIDATION: Job ${count.id} has already ended (done); there is nothing to cancel.`)
    expect(await failure('jobs', 'resume', count.id)).toMatch(/^VALIDATION: .*demo\.count jobs keep no checkpoints/)

    const resumed = await percept('jobs', 'resume', training.id)
    expect(resumed).toContain(`Resuming job ${training.id} in this process`)
    expect(resumed).toMatch(/running \d+% epoch 3\/3/)
    expect(resumed.trim().split('\n').at(-1)).toBe(`Job ${training.id} is done.`)
    const after = JSON.parse(await percept('jobs', 'show', training.id, '--json'))
    expect(after).toMatchObject({ state: 'done', attempts: 2, checkpointEpoch: 3, checkpoint: 'epoch 3 of 3' })
    expect(after.result.epochsRun).toBe(3 - after.result.resumedFromEpoch)
    // the CLI closed the workspace behind it
    expect(findRunningInstance(home)).toBeNull()
  })
})

describe('percept jobs, while an app holds the workspace', () => {
  let server: WebServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('talks to the running app through the address and token its lock file advertises', async () => {
    const app = createPercept({ door: 'web', proposedHome: home })
    toClose.push(() => app.close())
    const rendererDir = mkdtempSync(join(tmpdir(), 'percept-renderer-'))
    toClose.push(() => rmSync(rendererDir, { recursive: true, force: true }))
    server = await startWebServer({ router: app.router, log: app.log, rendererDir })
    advertiseEndpoint(home, server)

    const lockFile = join(home, 'percept.lock')
    expect(statSync(lockFile).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({
      pid: process.pid,
      door: 'web',
      api: { url: `http://127.0.0.1:${server.port}`, token: server.token },
    })

    const job = app.jobs.start('demo.count', { n: 500, delayMs: 20 })
    await waitFor('the count to run', () => app.jobs.get(job.id).fraction > 0)
    const listed = JSON.parse(await percept('jobs', 'list', '--json')) as JobSummary[]
    expect(listed).toEqual([expect.objectContaining({ id: job.id, state: 'running' })])
    expect(await percept('jobs', 'cancel', job.id)).toBe(`Job ${job.id} is cancelled.\n`)
    expect(app.jobs.get(job.id).state).toBe('cancelled')
    expect(await failure('jobs', 'show', 'job-nope')).toMatch(/^NOT_FOUND: There is no job job-nope/)
    expect(await failure('jobs', 'resume', job.id)).toMatch(/^VALIDATION: .*keep no checkpoints/)

    // a resumable job resumed from the CLI runs in the app, and --wait follows it there
    const training = app.jobs.start('demo.train', { epochs: 2, samples: 32, batchSize: 16 })
    expect((await app.jobs.cancel(training.id)).state).toBe('cancelled')
    const waited = await percept('jobs', 'resume', training.id, '--wait')
    expect(waited.split('\n')[0]).toBe(`Job ${training.id} is running in the running app (web, process ${process.pid}).`)
    expect(waited.trim().split('\n').at(-1)).toBe(`Job ${training.id} is done.`)
    expect(app.jobs.get(training.id)).toMatchObject({ state: 'done', attempts: 2 })
  })

  it('explains that an app without an API address (the Electron window) must be used or closed', async () => {
    writeFileSync(join(home, 'percept.lock'), JSON.stringify({ pid: process.pid, host: hostname(), door: 'electron', since: 'now' }))
    expect(await failure('jobs', 'list')).toBe(
      `WORKSPACE_LOCKED: The workspace ${home} is open in Percept Workbench (electron, process ${process.pid}), which takes no ` +
        'commands from other processes. Use it directly, or close it and run this again.',
    )
  })

  it('says so when the advertised app no longer answers', async () => {
    writeFileSync(
      join(home, 'percept.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), door: 'web', since: 'now', api: { url: 'http://127.0.0.1:9', token: 'x' } }),
    )
    expect(await failure('jobs', 'list')).toMatch(/^UNAVAILABLE: The workspace is open in process \d+ \(web\), but its API at http:\/\/127\.0\.0\.1:9 does not answer/)
  })
})
