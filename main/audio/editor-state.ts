import { existsSync, renameSync } from 'node:fs'
import { basename } from 'node:path'
import { soundEditorStateSchema, type SoundEditorState } from '../api'
import { writeJsonAtomic } from '../core/atomic-file'
import { PerceptError } from '../core/errors'
import { readTextFile } from '../core/text-file'

export interface EditorStateRead {
  state: SoundEditorState | null
  /** Why a saved state was not used; null when there was none or it was read. */
  warning: string | null
}

/** Far above any real state (tabs of regions and classifications), far below a reason to read one whole. */
const maxStateBytes = 64 * 1024 ** 2

/**
 * The Sound editor's state in one JSON file of the workspace. Reads check it against the API's schema:
 * a file that does not parse or does not fit (damaged, or written by a later version) is renamed to
 * `<name>.damaged` and reported as a warning, so the editor starts empty rather than failing. Writes
 * are atomic and in call order, so the last state saved is the one on disk.
 */
export class EditorStateFile {
  private writing: Promise<void> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  async read(): Promise<EditorStateRead> {
    await this.writing.catch(() => {})
    if (!existsSync(this.path)) return { state: null, warning: null }
    let reason: string
    try {
      const parsed = soundEditorStateSchema.safeParse(JSON.parse(await readTextFile(this.path, { what: "the editor's state", maxBytes: maxStateBytes })))
      if (parsed.success) return { state: parsed.data, warning: null }
      const issue = parsed.error.issues[0]
      reason = issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'it does not fit the expected form'
    } catch (error) {
      reason = error instanceof SyntaxError ? `it is not valid JSON (${error.message})` : (error as Error).message
    }
    const aside = `${this.path}.damaged`
    let kept = ''
    try {
      renameSync(this.path, aside)
      kept = ` It was kept as ${basename(aside)}.`
    } catch {
      // Left where it is; the next save replaces it.
    }
    const warning = `The sound editor's saved state could not be read (${reason}), so the editor starts empty.${kept}`
    this.warn(warning)
    return { state: null, warning }
  }

  /** Writes `state` (checked again here: the file must always read back). */
  write(state: SoundEditorState): Promise<void> {
    const parsed = soundEditorStateSchema.safeParse(state)
    if (!parsed.success) {
      return Promise.reject(new PerceptError('VALIDATION', `The editor's state is not valid: ${parsed.error.issues[0]?.message ?? 'invalid'}.`))
    }
    const next = this.writing.catch(() => {}).then(() => writeJsonAtomic(this.path, parsed.data))
    this.writing = next
    return next
  }
}
