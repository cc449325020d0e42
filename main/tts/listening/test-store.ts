import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ListeningSession, ListeningTest } from '../../api/speech'
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { listenerOrder } from './randomise'
import { ratingsCsv, summarise, type TestSummary } from './results'
import { letters, listenerPath, listenerSchema, stimulusPath, testFile, testSchema, type ListenerFile, type TestFile } from './test-files'

/*
 * The listening tests of a workspace, each in its preparing job's run folder (test-files.ts): reading
 * them, a listener's session (created on first begin, continued after), their ratings trial by trial,
 * the summary and the CSV. Ids are job ids; anything that is not one is refused before touching disk.
 */
export class ListeningTests {
  constructor(private readonly runsDir: string) {}

  dirOf(id: string): string {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) throw new PerceptError('VALIDATION', `"${id}" is not a listening test id.`)
    return join(this.runsDir, id)
  }

  async test(id: string): Promise<TestFile> {
    const path = join(this.dirOf(id), testFile)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      throw new PerceptError('NOT_FOUND', `There is no listening test ${id} (its run folder has no ${testFile}): prepare one in the Listening test tab.`)
    }
    const parsed = testSchema.safeParse(JSON.parse(text))
    if (!parsed.success) throw new PerceptError('VALIDATION', `${path} is not a listening test of this version; prepare the test again.`)
    return parsed.data
  }

  async listeners(id: string): Promise<ListenerFile[]> {
    const dir = join(this.dirOf(id), 'listeners')
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort()
    const out: ListenerFile[] = []
    for (const name of names) {
      const parsed = listenerSchema.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => 'null')))
      if (parsed.success) out.push(parsed.data)
    }
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt))
  }

  async describe(id: string, createdAt?: string): Promise<ListeningTest> {
    const test = await this.test(id)
    const listeners = await this.listeners(id)
    return {
      id,
      name: test.name,
      voice: test.voice,
      createdAt: createdAt ?? test.createdAt,
      sentences: test.sentences,
      conditions: test.conditions,
      hasReference: test.hasReference,
      listeners: listeners.map((l) => ({ name: l.name, rated: l.trials.filter((t) => t.ratings).length, total: l.trials.length })),
    }
  }

  private async listener(id: string, name: string): Promise<ListenerFile | null> {
    const path = listenerPath(this.dirOf(id), name)
    if (!existsSync(path)) return null
    return listenerSchema.parse(JSON.parse(await readFile(path, 'utf8')))
  }

  /** The listener's session: their trials in their order, conditions under letters, ratings so far. */
  async begin(id: string, name: string): Promise<ListeningSession> {
    const test = await this.test(id)
    let listener = await this.listener(id, name)
    if (!listener) {
      const now = new Date().toISOString()
      const trials = listenerOrder(id, name, test.sentences.length, test.conditions.map((c) => c.id))
      listener = { formatVersion: 1, name, startedAt: now, updatedAt: now, trials: trials.map((t) => ({ ...t, ratings: null, ratedAt: null })) }
      const path = listenerPath(this.dirOf(id), name)
      await mkdir(dirname(path), { recursive: true })
      await writeJsonAtomic(path, listener)
    }
    const base = `res/speech/listening/${encodeURIComponent(id)}/${encodeURIComponent(name)}`
    return {
      test: id,
      listener: name,
      trials: listener.trials.map((t, index) => ({
        index,
        sentence: test.sentences[t.sentence]!.text,
        reference: test.hasReference ? `${base}/${index}/reference` : null,
        conditions: t.order.map((_, k) => ({ letter: letters[k]!, url: `${base}/${index}/${letters[k]!}` })),
        ratings: t.ratings ? Object.fromEntries(t.order.map((c, k) => [letters[k]!, t.ratings![c]!])) : null,
      })),
    }
  }

  /** Keeps one trial's ratings (by letter: every condition of the trial rated). */
  async rate(id: string, name: string, trial: number, byLetter: Record<string, number>): Promise<{ rated: number; total: number }> {
    const listener = await this.listener(id, name)
    if (!listener) throw new PerceptError('NOT_FOUND', `${name} has not begun test ${id}: begin the test first.`)
    const entry = listener.trials[trial]
    if (!entry) throw new PerceptError('VALIDATION', `Test ${id} has trials 0 to ${listener.trials.length - 1}, not ${trial}.`)
    const expected = entry.order.map((_, k) => letters[k]!)
    const missing = expected.filter((l) => !(l in byLetter))
    const extra = Object.keys(byLetter).filter((l) => !expected.includes(l))
    if (missing.length || extra.length) {
      throw new PerceptError('VALIDATION', `Trial ${trial + 1} has conditions ${expected.join(', ')}: ${missing.length ? `rate ${missing.join(', ')} too` : `there is no ${extra.join(', ')}`}.`)
    }
    const now = new Date().toISOString()
    entry.ratings = Object.fromEntries(entry.order.map((c, k) => [c, byLetter[letters[k]!]!]))
    entry.ratedAt = now
    listener.updatedAt = now
    await writeJsonAtomic(listenerPath(this.dirOf(id), name), listener)
    return { rated: listener.trials.filter((t) => t.ratings).length, total: listener.trials.length }
  }

  /** The stimulus a session URL names: a trial's condition by letter, or its open reference. */
  async stimulus(id: string, name: string, trial: number, which: string): Promise<string> {
    const test = await this.test(id)
    const listener = await this.listener(id, name)
    const entry = listener?.trials[trial]
    if (!entry) throw new PerceptError('NOT_FOUND', `No trial ${trial} for ${name} in test ${id}.`)
    const letter = which.length === 1 ? letters.indexOf(which) : -1
    const condition = which === 'reference' ? (test.hasReference ? test.conditions.find((c) => c.kind === 'reference')?.id : undefined) : letter >= 0 ? entry.order[letter] : undefined
    if (!condition) throw new PerceptError('NOT_FOUND', `Trial ${trial + 1} has no condition ${which}.`)
    return stimulusPath(this.dirOf(id), entry.sentence, condition)
  }

  async summary(id: string, screen: boolean): Promise<TestSummary> {
    return summarise(await this.test(id), await this.listeners(id), screen)
  }

  /** Writes every rating as CSV at `path` (already checked as a place to write). */
  async exportCsv(id: string, path: string): Promise<{ path: string; rows: number }> {
    const { text, rows } = ratingsCsv(await this.test(id), await this.listeners(id))
    await writeFileAtomic(path, text)
    return { path, rows }
  }
}
