import { z } from 'zod'
import { methods, type CallResult, type MethodInput, type MethodName, type MethodOutput } from '../api'
import type { EventBus } from '../core/event-bus'
import { PerceptError, toPerceptError } from '../core/errors'
import type { Logger } from '../core/logger'

export type Door = 'electron' | 'web' | 'cli' | 'test'

export interface CallContext {
  door: Door
}

export type Handler<M extends MethodName> = (
  input: z.output<(typeof methods)[M]['input']>,
  context: CallContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>

export type Handlers = { [M in MethodName]: Handler<M> }

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

/**
 * The one dispatcher behind every door: checks the method exists, validates input and output
 * against the contract, and turns every failure into a typed error envelope.
 */
export class Router {
  constructor(
    private readonly handlers: Handlers,
    readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  async call(method: string, input: unknown, context: CallContext): Promise<CallResult<unknown>> {
    try {
      return { ok: true, value: await this.dispatch(method, input, context) }
    } catch (error) {
      const typed = toPerceptError(error, `${method} failed`)
      if (typed.code === 'INTERNAL') this.log.error(`${method}: ${typed.message}`)
      return { ok: false, error: typed.toWire() }
    }
  }

  /** Typed direct call for in-process users (the CLI); throws PerceptError. */
  async invoke<M extends MethodName>(method: M, input: MethodInput<M>, context: CallContext): Promise<MethodOutput<M>> {
    return (await this.dispatch(method, input, context)) as MethodOutput<M>
  }

  private async dispatch(method: string, input: unknown, context: CallContext): Promise<unknown> {
    if (!Object.hasOwn(methods, method)) {
      throw new PerceptError('UNKNOWN_METHOD', `There is no API method "${method}".`)
    }
    const name = method as MethodName
    const spec = methods[name]
    const parsedInput = spec.input.safeParse(input ?? {})
    if (!parsedInput.success) {
      throw new PerceptError('VALIDATION', `Invalid input for ${name}: ${describeIssues(parsedInput.error.issues)}.`, {
        issues: parsedInput.error.issues,
      })
    }
    const handler = this.handlers[name] as (input: unknown, context: CallContext) => unknown
    const output = await handler(parsedInput.data, context)
    const parsedOutput = spec.output.safeParse(output)
    if (!parsedOutput.success) {
      // The core broke its own contract: a bug, reported as such rather than passed on.
      throw new PerceptError('INTERNAL', `${name} returned a malformed result: ${describeIssues(parsedOutput.error.issues)}.`)
    }
    return parsedOutput.data
  }
}
