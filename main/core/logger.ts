import type { EventBus } from './event-bus'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Log lines go to stderr (for terminals and crash reports) and to the renderer as events. */
export class Logger {
  constructor(
    private readonly bus: EventBus | null,
    private readonly source = 'core',
    private readonly quiet = process.env.PERCEPT_QUIET === '1',
  ) {}

  child(source: string): Logger {
    return new Logger(this.bus, source, this.quiet)
  }

  debug(message: string): void { this.write('debug', message) }
  info(message: string): void { this.write('info', message) }
  warn(message: string): void { this.write('warn', message) }
  error(message: string): void { this.write('error', message) }

  private write(level: LogLevel, message: string): void {
    const time = new Date().toISOString()
    if (!this.quiet && level !== 'debug') process.stderr.write(`${time} ${level} [${this.source}] ${message}\n`)
    this.bus?.emit('log.line', { level, source: this.source, message, time })
  }
}
