import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import pkg from '../../../package.json'
import { buildProgram } from '../../../main/app/cli'
import { workspaces, type WorkspaceEntry } from '../../../renderer/src/shell/workspaces'

/*
 * The README, package metadata, CLI help and sidebar describe only what works: every mention of a tool
 * still being built sits in a sentence or list section that says it is coming.
 */
const repo = new URL('../../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, repo), 'utf8')

/** Words that name the tools still being built (none now: every method has its tool); the workspace list says which those are. */
const comingTerms: RegExp[] = []

/** Mentions of a coming tool that are not in a sentence that says "coming". */
function unqualifiedClaims(text: string, terms: readonly RegExp[] = comingTerms): string[] {
  return text
    .split(/(?<=[.;:!?])\s+|\n\s*\n/)
    .filter((sentence) => terms.some((term) => term.test(sentence)) && !/coming/i.test(sentence))
}

describe('claims match the code', () => {
  it('marks the workspaces where nothing works yet, and names what is coming in the others', () => {
    const entries: readonly WorkspaceEntry[] = workspaces
    expect(entries.filter((w) => w.placeholder).map((w) => w.id)).toEqual([])
    // Synthesis, listening tests and enhancement all work: nothing is coming in Speech either.
    expect(entries.filter((w) => w.coming).map((w) => w.id)).toEqual([])
    expect(entries.find((w) => w.id === 'speech')?.summary).toMatch(/Text-to-speech.*speech enhancement/)
    // Face detection and landmarks work (the import finds and aligns faces): nothing is coming there.
    expect(entries.find((w) => w.id === 'faces')?.coming).toBeUndefined()
    expect(entries.find((w) => w.id === 'faces')?.summary).toMatch(/face detection/)
    // Segmenting works, with the model that ships with the app (models/mri) or one the user trains or imports.
    expect(entries.find((w) => w.id === 'mri')?.coming).toBeUndefined()
    for (const w of entries.filter((w) => !w.coming)) expect(unqualifiedClaims(w.summary), w.id).toEqual([])
  })

  it('the README claims, up to its command table, only tools that work', () => {
    const readme = read('README.md')
    const intro = readme.slice(0, readme.indexOf('## Two commands'))
    const [works, coming] = intro.split(/^Coming\b/m)
    // Every method has its tool: no "Coming" list, and speech enhancement among what works.
    expect(coming, 'the README has no "Coming" list').toBeUndefined()
    expect(works).toMatch(/\*\*Speech\*\*: type text/)
    expect(works).toMatch(/Enhance noisy speech/)
    expect(works).toMatch(/\*\*Faces\*\*: keep a gallery of people from ordinary photos: every face is found/)
    expect(works).toMatch(/with the model bundled\s+with the app/)
  })

  it('the package description, installer synopsis and CLI help say "coming" wherever they name a coming tool', () => {
    expect(unqualifiedClaims(pkg.description)).toEqual([])
    const synopsis = /^\s*synopsis:\s*(.+)$/m.exec(read('electron-builder.yml'))?.[1]
    expect(synopsis).toBeDefined()
    expect(unqualifiedClaims(synopsis!)).toEqual([])
    expect(unqualifiedClaims(buildProgram().description())).toEqual([])
    // The check itself bites: an old description fails it.
    expect(unqualifiedClaims('Workbench for brain MRI segmentation, speech enhancement and face recognition.', [/enhanc/i])).toHaveLength(1)
    expect(unqualifiedClaims('Workbench for brain MRI segmentation; speech enhancement is coming.', [/enhanc/i])).toEqual([])
  })

  it('the bundled sound model names its synthetic training data up front', () => {
    const card = read('models/sound/dilated-fixture/card.md')
    const top = card.split('\n').slice(0, 5).join('\n')
    expect(top).toMatch(/Trained on a synthetic fixture/)
    expect(card).not.toMatch(/Data set: UrbanSound8K/)
    const meta = JSON.parse(read('models/sound/dilated-fixture/model.json')) as { provenance: { dataset: string } }
    expect(meta.provenance.dataset).toMatch(/^Synthetic fixture/)
  })
})
