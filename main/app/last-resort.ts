import type { Logger } from '../core/logger'
import type { PerceptApp } from './compose'

/**
 * The process-level last resort of every door that holds the workspace (`percept serve`, the Electron main
 * process, a CLI command running jobs in-process): an error nothing caught
 * (an uncaught exception, an unhandled rejection) is never passed over in silence. When it escaped from
 * one web request, that request fails and the server carries on; otherwise the state of the process is in
 * doubt, so running jobs are marked interrupted (they resume from their checkpoints, as after a crash), the
 * workspace is closed and the process exits with code 1 and a message.
 */

export type ErrorOrigin = 'uncaughtException' | 'unhandledRejection'

export interface LastResortOptions {
  log: Logger
  /** Asked first: true when the error belonged to one request, which the claimant has failed. */
  claimants?: readonly ((error: unknown) => boolean)[]
  /** Marks the running jobs interrupted (synchronously) and stops their workers; returns how many there were. */
  interruptJobs: () => number
  /** Closes what is still open (the workspace and its lock). */
  close?: () => void
  /** Where the closing message goes (stderr), even when the log is quiet; calls `done` once written. */
  write?: (text: string, done: () => void) => void
  exit?: (code: number) => never | void
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `a non-error value: ${String(error)}`
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!.slice(0, 300)
}

/** The handler itself, apart from process events so that it can be tested. */
export function lastResortHandler(options: LastResortOptions): (error: unknown, origin: ErrorOrigin) => void {
  const { log } = options
  const write = options.write ?? ((text, done) => void process.stderr.write(text, () => done()))
  const exit = options.exit ?? ((code: number) => process.exit(code))
  let stopping = false
  return (error, origin) => {
    const what = origin === 'unhandledRejection' ? 'an unhandled promise rejection' : 'an uncaught exception'
    if (stopping) {
      // A second failure while closing: do not try again, end now.
      log.error(`${what} while stopping: ${describe(error)}`)
      return void exit(1)
    }
    for (const claim of options.claimants ?? []) {
      let claimed = false
      try {
        claimed = claim(error)
      } catch {
        claimed = false
      }
      if (claimed) {
        log.error(`${what} escaped from one web request, which failed; the server keeps serving. ${describe(error)}`)
        return
      }
    }
    stopping = true
    log.error(`${what}; stopping. ${describe(error)}`)
    let jobs = 0
    try {
      jobs = options.interruptJobs()
    } catch (failure) {
      log.error(`could not mark the running jobs interrupted (the next start will): ${describe(failure)}`)
    }
    try {
      options.close?.()
    } catch (failure) {
      log.error(`could not close cleanly: ${describe(failure)}`)
    }
    const resume = jobs ? ` ${jobs} running job(s) were marked interrupted; \`percept jobs resume <id>\` continues a resumable one from its last checkpoint.` : ''
    let exited = false
    const exitOnce = (): void => {
      if (exited) return
      exited = true
      exit(1)
    }
    // The message must reach the terminal before the process ends, but a stuck stream must not hold it up.
    setTimeout(exitOnce, 2000)
    write(`percept: stopped after ${what}: ${firstLine(error)}.${resume}\n`, exitOnce)
  }
}

/** Installs the handler for the process; returns a function that removes it. */
export function installLastResort(options: LastResortOptions, target: NodeJS.Process = process): () => void {
  const handle = lastResortHandler(options)
  const onException = (error: unknown): void => handle(error, 'uncaughtException')
  const onRejection = (reason: unknown): void => handle(reason, 'unhandledRejection')
  target.on('uncaughtException', onException)
  target.on('unhandledRejection', onRejection)
  return () => {
    target.off('uncaughtException', onException)
    target.off('unhandledRejection', onRejection)
  }
}

/**
 * The last resort of a command that serves an app: the claimants (web servers) take the errors of their
 * requests; anything else interrupts the app's running jobs and closes it before the process exits.
 */
export function appLastResort(app: Pick<PerceptApp, 'log' | 'jobs' | 'close'>, claimants: LastResortOptions['claimants'] = []): LastResortOptions {
  return {
    log: app.log,
    claimants,
    interruptJobs: () => {
      const running = app.jobs.runningIds().length
      // Marks them interrupted synchronously, then ends their workers.
      void app.jobs.shutdown()
      return running
    },
    close: () => app.close(),
  }
}
