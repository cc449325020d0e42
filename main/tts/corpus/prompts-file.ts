/*
 * festvox's prompt list, etc/txt.done.data: one line per utterance, ( id "text" ), the text in double
 * quotes with \" and \\ escaped.
 */

export interface Prompt {
  id: string
  text: string
}

/** Parses txt.done.data; lines that are not prompts come back by number in `bad`. */
export function parsePrompts(text: string): { prompts: Prompt[]; bad: number[] } {
  const prompts: Prompt[] = []
  const bad: number[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return
    const m = /^\s*\(\s*(\S+)\s+"((?:[^"\\]|\\.)*)"\s*\)\s*$/.exec(line)
    if (!m) return void bad.push(i + 1)
    prompts.push({ id: m[1]!, text: m[2]!.replace(/\\(.)/g, '$1') })
  })
  return { prompts, bad }
}

export function formatPrompts(prompts: readonly Prompt[]): string {
  return prompts.map((p) => `( ${p.id} "${p.text.replace(/[\\"]/g, (c) => '\\' + c)}" )\n`).join('')
}
