import { type Command, InvalidArgumentError } from 'commander'
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { decodeNpyFloat64 } from '../dsp/features/npy'
import { deepFeatures } from '../faces/deep-baseline'
import { EVAL_METHODS, evaluatePie, type EvalMethod, type EvalResult } from '../faces/evaluate'
import { readFaceDataset } from '../faces/face-dataset'
import { CANONICAL_CROP } from '../faces/face-shape'
import { writePieSet } from '../faces/fixtures/pie-set'
import { fromRowMajor, type Matrix } from '../faces/linear-algebra'
import { orthogonalMatchingPursuit } from '../faces/omp'
import { projectionResidual } from '../faces/projection'
import { formatResolution, parseResolution, type Resolution } from '../faces/resolution'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { buildDictionaries } from '../faces/gallery/dictionaries'
import { parseFaceBox } from '../faces/gallery/face-crop'
import { GalleryStore } from '../faces/gallery/gallery-store'
import { identifyProbe } from '../faces/gallery/identify-probe'
import { enrolPhotos } from '../faces/gallery/photo-import'
import { facesInPhoto } from '../faces/detect/photo-faces'
import { table, withWorkspace } from './cli-connection'
import { printJson, wholeNumber, wholeNumberList } from './cli-options'

function evalMethodList(value: string): EvalMethod[] {
  const names = value.split(',').map((v) => v.trim())
  const bad = names.find((n) => !(EVAL_METHODS as readonly string[]).includes(n))
  if (bad !== undefined || names.length === 0) throw new InvalidArgumentError(`methods are a comma-separated list of ${EVAL_METHODS.join(', ')}; got "${bad ?? value}".`)
  return names as EvalMethod[]
}

/** A float .npy file's values, refused unless finite and of the given rank; the name is for messages. */
async function readArray(path: string, flag: string, rank: 1 | 2): Promise<{ data: Float64Array; shape: number[] }> {
  const bytes = await readFile(resolve(path)).catch(() => {
    throw new PerceptError('VALIDATION', `${flag} ${path}: no such readable file.`)
  })
  const array = decodeNpyFloat64(bytes)
  const { shape } = array
  const ok = rank === 2 ? shape.length === 2 : shape.length === 1 || (shape.length === 2 && shape[1] === 1)
  if (!ok) {
    const want = rank === 2 ? 'a 2-D array of shape (dim, atoms), one atom per column' : 'a vector of shape (dim,) or (dim, 1)'
    throw new PerceptError('VALIDATION', `${flag} ${basename(path)} has shape (${shape.join(', ')}); it must be ${want}.`)
  }
  if (array.data.length === 0) throw new PerceptError('VALIDATION', `${flag} ${basename(path)} is empty.`)
  if (array.data.some((v) => !Number.isFinite(v))) throw new PerceptError('VALIDATION', `${flag} ${basename(path)} holds NaN or infinite values.`)
  return array
}

async function readDictionaryAndVector(dictPath: string, vectorPath: string, vectorFlag: string): Promise<{ dictionary: Matrix; y: Float64Array }> {
  const [dict, vector] = await Promise.all([readArray(dictPath, '--dict', 2), readArray(vectorPath, vectorFlag, 1)])
  const [dim, atoms] = dict.shape as [number, number]
  if (vector.data.length !== dim) {
    throw new PerceptError('VALIDATION', `${vectorFlag} has ${vector.data.length} values but the dictionary's atoms (its columns) have ${dim}: the dictionary must be of shape (dim, atoms).`)
  }
  return { dictionary: fromRowMajor(dict.data, dim, atoms), y: vector.data }
}

function formatEval(result: EvalResult): string {
  const lines = ['RESOLUTION  METHOD      RANK-1   RANK-5   RANK-10']
  for (const { resolution, methods } of result.resolutions) {
    for (const { method, rank1, cmc } of methods) {
      const at = (k: number): string => `${(100 * cmc[Math.min(k, cmc.length) - 1]!).toFixed(1)}%`.padStart(7)
      lines.push(`${resolution.padEnd(10)}  ${method.padEnd(10)}  ${`${(100 * rank1).toFixed(1)}%`.padStart(6)}  ${at(5)}  ${at(10)}`)
    }
  }
  return lines.join('\n') + '\n'
}

/**
 * Runs gallery work on the workspace, opened in this process. The gallery is not among the running
 * app's API methods yet, so a workspace held by a running app is refused with what to do.
 */
function withGallery<T>(work: (store: GalleryStore) => Promise<T>): Promise<T> {
  return withWorkspace(resolveWorkspaceHome(), {}, async (client) => {
    if (!client.local) {
      throw new PerceptError('WORKSPACE_LOCKED', `The workspace is open in ${client.where}, which does not serve the face gallery yet. Close it and run this again.`)
    }
    return work(new GalleryStore(client.local.workspace))
  })
}

const seconds = (s: number): string => `${s.toFixed(2)} s`

/** `percept faces ...`: low-resolution face recognition (SLRFR, paper 004) from the command line; the gallery commands use the workspace. */
export function registerFacesCommands(program: Command): Command {
  const faces = program.command('faces').description('low-resolution face recognition (SLRFR): evaluation on face folders, OMP, projection residuals, synthetic faces, and the workspace\'s face gallery (enroll, build, identify)')
  faces
    .command('eval')
    .description('the PIE protocol: for each gallery index g, image g of every person is the gallery and all the others are probes')
    .requiredOption('--dataset <dir>', 'one folder per person of aligned face images (PNG or JPEG, any size), files sorted by name')
    .requiredOption('--resolutions <list>', 'probe resolutions HEIGHTxWIDTH, e.g. 7x6,10x8,12x10')
    .option('--gallery-images <list>', 'gallery indices, e.g. 0,7,14 (default: every index)', wholeNumberList('0,7,14'))
    .option('--methods <list>', `methods to compare, of ${EVAL_METHODS.join(', ')} (default: all)`, evalMethodList)
    .option('--json', 'print JSON')
    .action(async (opts: { dataset: string; resolutions: string; galleryImages?: number[]; methods?: EvalMethod[]; json?: boolean }) => {
      const resolutions: Resolution[] = opts.resolutions.split(',').map((r) => parseResolution(r, CANONICAL_CROP))
      const dataset = await readFaceDataset(resolve(opts.dataset))
      const methods = opts.methods ?? EVAL_METHODS
      const say = opts.json ? undefined : (line: string) => process.stderr.write(line + '\n')
      const deep = methods.includes('deep')
        ? await deepFeatures(dataset.people, resolutions, (done, total, stage) => {
            if (done === total || done % 256 === 0) say?.(`${stage}: ${done}/${total}`)
          })
        : undefined
      const result = evaluatePie(dataset.people, {
        resolutions,
        methods,
        ...(deep ? { deep } : {}),
        ...(opts.galleryImages ? { galleryImages: opts.galleryImages } : {}),
        onProgress: say,
      })
      if (opts.json) return printJson(result)
      process.stdout.write(formatEval(result))
    })
  faces
    .command('omp')
    .description('orthogonal matching pursuit of a signal on a dictionary whose columns are unit-length atoms')
    .requiredOption('--dict <file>', '.npy of shape (dim, atoms)')
    .requiredOption('--signal <file>', '.npy of shape (dim,)')
    .requiredOption('--sparsity <T>', 'the most atoms to use', wholeNumber(0))
    .option('--json', 'print JSON')
    .action(async (opts: { dict: string; signal: string; sparsity: number; json?: boolean }) => {
      const { dictionary, y } = await readDictionaryAndVector(opts.dict, opts.signal, '--signal')
      if (opts.sparsity < 1 || opts.sparsity > dictionary.cols) {
        throw new PerceptError('VALIDATION', `--sparsity is from 1 to the number of atoms (${dictionary.cols}); got ${opts.sparsity}.`)
      }
      const { support, coefficients, residualNorm } = orthogonalMatchingPursuit(dictionary, y, opts.sparsity)
      const result = { support, coefficients: Array.from(coefficients), residualNorm }
      if (opts.json) return printJson(result)
      process.stdout.write(`Support       ${support.join(', ') || '(none)'}\nCoefficients  ${support.map((a) => `${a}: ${coefficients[a]!.toPrecision(6)}`).join(', ')}\nResidual      ${residualNorm.toPrecision(6)}\n`)
    })
  faces
    .command('residual')
    .description('||(I - P) y|| for the orthogonal projector P onto the span of the dictionary\'s columns (equations 6-8)')
    .requiredOption('--dict <file>', '.npy of shape (dim, atoms)')
    .requiredOption('--probe <file>', '.npy of shape (dim,)')
    .option('--json', 'print JSON')
    .action(async (opts: { dict: string; probe: string; json?: boolean }) => {
      const { dictionary, y } = await readDictionaryAndVector(opts.dict, opts.probe, '--probe')
      const { residualNorm } = projectionResidual(dictionary, y)
      if (opts.json) return printJson({ residualNorm })
      process.stdout.write(`Residual ${residualNorm.toPrecision(6)}\n`)
    })
  faces
    .command('fixture <dir>')
    .description('write a synthetic PIE-like set: one folder per person of 21 Lambertian face images (48x40 grey PNG) under 21 lights')
    .option('--people <n>', 'number of people', wholeNumber(0), 68)
    .option('--seed <s>', 'seed (the same seed gives the same faces)', wholeNumber(0), 1)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { people: number; seed: number; json?: boolean }) => {
      const summary = await writePieSet(resolve(dir), { people: opts.people, seed: opts.seed })
      if (opts.json) return printJson(summary)
      process.stdout.write(`${summary.dir}: ${summary.people} people x ${summary.imagesPerPerson} images of ${summary.height}x${summary.width}, seed ${summary.seed}\n`)
    })
  faces
    .command('enroll <person> <images...>')
    .description('add photos of a person to the workspace gallery (the person is created when new); folders are walked for PNG and JPEG images')
    .option('--box <x,y,w,h>', "the face's box in every photo, in pixels from the top-left corner (default: photos shaped like an aligned face crop are taken whole; in others every face is detected and aligned by the eyes, each face of a photo with several going to the inbox)", parseFaceBox)
    .option('--json', 'print JSON')
    .action((person: string, images: string[], opts: { box?: ReturnType<typeof parseFaceBox>; json?: boolean }) =>
      withGallery(async (store) => {
        const report = await enrolPhotos(store, person, images.map((p) => resolve(p)), opts.box ? { box: opts.box } : { faces: (file, image) => facesInPhoto(image, basename(file), store.crop) })
        if (opts.json) {
          printJson({
            person: report.person && { id: report.person.id, name: report.person.name, photos: report.person.photos },
            created: report.created,
            taken: report.taken,
            refused: report.refused,
            files: report.files.map((f) => (f.taken ? { file: f.file, taken: true, photo: f.photo.id, inbox: f.photo.personId === null } : { file: f.file, taken: false, reason: f.reason })),
          })
        } else {
          const inbox = (f: { photo: { personId: string | null } }): string => (f.photo.personId === null ? ', to the inbox: one of several faces in the photo' : '')
          for (const f of report.files) process.stdout.write(f.taken ? `taken    ${f.file} (photo ${f.photo.id}${inbox(f)})\n` : `refused  ${f.file}: ${f.reason}\n`)
          const who = report.person ? `${report.person.name}${report.created ? ' (new)' : ''}: ${report.person.photos} photo(s) in the gallery` : person
          process.stdout.write(`${who}; ${report.taken} taken, ${report.refused} refused.\n`)
        }
        if (report.taken === 0) {
          process.stderr.write(`percept: no photo of ${person} was enrolled${report.files.length ? '; see the reasons above' : ': no image was found'}.\n`)
          process.exitCode = 1
        }
      }),
    )
  faces
    .command('build')
    .description("build the gallery's resolution-matched dictionaries (relighting, PCA, K-SVD per person) and cache them in the workspace")
    .requiredOption('--resolution <HxW>', 'probe resolution HEIGHTxWIDTH, e.g. 7x6')
    .option('--force', 'rebuild even when the cached dictionaries match the gallery')
    .option('--json', 'print JSON')
    .action((opts: { resolution: string; force?: boolean; json?: boolean }) =>
      withGallery(async (store) => {
        const resolution = parseResolution(opts.resolution, store.crop)
        const onProgress = opts.json ? undefined : ({ stage, done, total }: { stage: string; done: number; total: number }) => {
          if (stage !== 'relight' || done === 0 || done === total - 1 || done % 50 === 0) process.stderr.write(`${stage} ${done}/${total}\n`)
        }
        const result = await buildDictionaries(store, resolution, { force: Boolean(opts.force), ...(onProgress ? { onProgress } : {}) })
        const { dictionaries } = result
        const summary = {
          resolution: formatResolution(dictionaries.resolution),
          people: dictionaries.people.length,
          atoms: Math.max(...dictionaries.model.classes.map((c) => c.dictionary.cols)),
          photos: dictionaries.people.reduce((n, p) => n + p.photos, 0),
          seconds: result.seconds,
          cached: result.cached,
          skipped: result.skipped.map((p) => p.name),
        }
        if (opts.json) return printJson(summary)
        const verb = result.cached ? 'Reused the cached' : 'Built the'
        process.stdout.write(`${verb} ${summary.resolution} dictionaries: ${summary.people} people, ${summary.atoms} atoms each, from ${summary.photos} photos, in ${seconds(summary.seconds)}.\n`)
        if (summary.skipped.length) process.stdout.write(`Left out (no photo): ${summary.skipped.join(', ')}.\n`)
      }),
    )
  faces
    .command('identify <probe>')
    .description('rank the gallery\'s people for a low-resolution face image (at most the gallery crop, 48x40), by the residual of its projection onto each person\'s dictionary')
    .option('--top <n>', 'how many candidates to show', wholeNumber(1), 5)
    .option('--resolution <HxW>', "match at this resolution, the probe smoothed and downsampled to it (default: the probe's own size)")
    .option('--json', 'print JSON')
    .action((probe: string, opts: { top: number; resolution?: string; json?: boolean }) =>
      withGallery(async (store) => {
        const resolution = opts.resolution === undefined ? undefined : parseResolution(opts.resolution, store.crop)
        const result = await identifyProbe(store, resolve(probe), { top: opts.top, ...(resolution ? { resolution } : {}) })
        const candidates = result.candidates.map((c) => ({ person: c.person, residual: c.residual, rank: c.rank }))
        if (opts.json) return printJson({ resolution: result.resolution, candidates, seconds: result.seconds })
        process.stdout.write(table([['RANK', 'PERSON', 'RESIDUAL'], ...candidates.map((c) => [String(c.rank), c.person, c.residual.toFixed(4)])]))
        process.stdout.write(`${result.resolution}, ${seconds(result.seconds)}${result.built ? ' (dictionaries built first)' : ''}\n`)
      }),
    )
  faces
    .command('people')
    .description('the people of the workspace gallery with their photo counts, and the inbox of unassigned photos')
    .option('--search <text>', 'only names containing this (case ignored)')
    .option('--json', 'print JSON')
    .action((opts: { search?: string; json?: boolean }) =>
      withGallery(async (store) => {
        const people = store.listPeople(opts.search === undefined ? {} : { search: opts.search }).map(({ id, name, photos }) => ({ id, name, photos }))
        const inbox = store.inbox().length
        if (opts.json) return printJson({ people, inbox })
        if (people.length) process.stdout.write(table([['ID', 'NAME', 'PHOTOS'], ...people.map((p) => [p.id, p.name, String(p.photos)])]))
        else process.stdout.write(opts.search ? `No one's name contains "${opts.search}".\n` : 'The gallery is empty: add people with `percept faces enroll <person> <images...>`.\n')
        process.stdout.write(`Inbox: ${inbox} unassigned photo(s).\n`)
      }),
    )
  return program
}
