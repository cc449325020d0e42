#!/usr/bin/env node
// Intelligibility of unseen text, measured by a speech recogniser instead of a listener: sentences with
// numbers, dates, times, abbreviations and words outside the dictionary are synthesised by `percept tts say`
// (each system asked for) and by festival's cmu_us_slt_arctic_hts (the voice the bundled one imitates: the
// ceiling), recognised by Debian's pocketsphinx (en-us model) and scored by word error rate against the
// words the front end says (`percept tts front-end`: "3 March" -> "third march"). Two controls that must
// fail: white noise of each DNN rendering's length and loudness, and the DNN rendering cut into 40 ms pieces
// put in a shuffled order (the voice's sounds without its words).
//
// Words the recogniser cannot know (outside its dictionary: the invented words) are scored as a slot that
// any one recognised word, or none, fills at no cost; `werAllWords` counts them as errors instead.
//
//   node scripts/check-intelligibility.mjs [--voice <dir-or-id>] [--systems dnn,mdnn] [--no-festival]
//                                          [--keep <dir>] [--json | --markdown]
// --markdown prints the section a voice card carries (scripts/train-bundled-voice.sh).
// Needs a build (npm run build), pocketsphinx and pocketsphinx-en-us; festival with festvox-us-slt-hts for
// the reference. PERCEPT_BIN may name another copy of bin/percept.mjs.
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const percept = process.env.PERCEPT_BIN ?? join(root, 'bin', 'percept.mjs')
const recogniserDictionary = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict'

/** Written for this check: none is in the fixture corpus the voice learnt from. */
export const unseenSentences = [
  'On 3 March 2021 at 10:45 the doctor opened the letter.',
  'Dr. Brown lives at 42 Queen St. with his sister.',
  'The box weighs 17 kg and costs $25.',
  'We left at 6:30 and drove 120 km to the coast.',
  'Bring fruit, bread, cheese, etc. for the trip.',
  'Prof. Green said that zorblatt is a new word.',
  'In 1998 about 40% of the farms sold their land.',
  'The captain asked for 3 maps, e.g. the blue ones.',
  'Mr. White painted the flimbering gate on Tuesday.',
  'The meeting on 12 June starts at 9 sharp.',
]

function parseArgs(argv) {
  const opts = { systems: ['dnn', 'mdnn'], festival: true, json: false, markdown: false, voice: undefined, keep: undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--voice') opts.voice = value()
    else if (a === '--systems') opts.systems = value().split(',').filter(Boolean)
    else if (a === '--no-festival') opts.festival = false
    else if (a === '--keep') opts.keep = resolve(value())
    else if (a === '--json') opts.json = true
    else if (a === '--markdown') opts.markdown = true
    else throw new Error(`unknown option ${a}; see the comment at the top of scripts/check-intelligibility.mjs`)
  }
  for (const s of opts.systems) if (s !== 'dnn' && s !== 'mdnn') throw new Error(`--systems: ${s} is not dnn or mdnn`)
  return opts
}

function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${(stderr || error.message).trim().slice(-400)}`))
      else resolvePromise(stdout)
    })
  })
}

/** Runs the tasks `width` at a time, in order of start; resolves to their results in order. */
async function pool(tasks, width) {
  const results = new Array(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]()
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker))
  return results
}

export function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/** The words the front end says for a sentence, in order. */
async function spokenWords(sentence) {
  const result = JSON.parse(await run('node', [percept, 'tts', 'front-end', sentence, '--json']))
  return result.sentences.flatMap((s) => s.phrases.flatMap((p) => p.words.map((w) => w.word.toLowerCase())))
}

/** The recogniser's dictionary: word -> its pronunciations ("word(2)" lines are alternatives). */
function recogniserPronunciations() {
  const map = new Map()
  for (const line of readFileSync(recogniserDictionary, 'utf8').split('\n')) {
    const [head, ...phones] = line.trim().split(/\s+/)
    if (!head || phones.length === 0) continue
    const word = head.replace(/\(\d+\)$/, '')
    if (!map.has(word)) map.set(word, new Set())
    map.get(word).add(phones.join(' '))
  }
  return map
}

/** pocketsphinx's hypothesis for a 16 kHz mono 16-bit WAV, as lower-case words. */
async function recognise(wav) {
  const out = await run('pocketsphinx_continuous', ['-infile', wav, '-logfn', '/dev/null'])
  return out.toLowerCase().split(/\s+/).map((w) => w.replace(/\(\d+\)$/, '')).filter((w) => /[a-z]/.test(w))
}

/**
 * Word edit distance of a hypothesis from a reference; a reference word for which `wildcard` is true is
 * matched by any one hypothesis word or by none at no cost.
 */
export function wordErrors(reference, hypothesis, wildcard = () => false, same = (a, b) => a === b) {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j)
  for (let i = 1; i <= reference.length; i++) {
    const free = wildcard(reference[i - 1])
    const row = [previous[0] + (free ? 0 : 1)]
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitute = previous[j - 1] + (free || same(reference[i - 1], hypothesis[j - 1]) ? 0 : 1)
      row[j] = Math.min(previous[j] + (free ? 0 : 1), row[j - 1] + 1, substitute)
    }
    previous = row
  }
  return previous[hypothesis.length]
}

function readWav16(file) {
  const b = readFileSync(file)
  let at = 12
  let rate = 0
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4)
    const size = b.readUInt32LE(at + 4)
    if (id === 'fmt ') {
      if (b.readUInt16LE(at + 8) !== 1 || b.readUInt16LE(at + 10) !== 1 || b.readUInt16LE(at + 22) !== 16) throw new Error(`${file}: not 16-bit mono PCM`)
      rate = b.readUInt32LE(at + 12)
    } else if (id === 'data') {
      const samples = new Int16Array(Math.floor(Math.min(size, b.length - at - 8) / 2))
      for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(at + 8 + 2 * i)
      return { rate, samples }
    }
    at += 8 + size + (size & 1)
  }
  throw new Error(`${file}: no data chunk`)
}

function writeWav16(file, rate, samples) {
  const b = Buffer.alloc(44 + 2 * samples.length)
  b.write('RIFF', 0, 'ascii'), b.writeUInt32LE(36 + 2 * samples.length, 4), b.write('WAVEfmt ', 8, 'ascii')
  b.writeUInt32LE(16, 16), b.writeUInt16LE(1, 20), b.writeUInt16LE(1, 22), b.writeUInt32LE(rate, 24)
  b.writeUInt32LE(rate * 2, 28), b.writeUInt16LE(2, 32), b.writeUInt16LE(16, 34), b.write('data', 36, 'ascii')
  b.writeUInt32LE(2 * samples.length, 40)
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 44 + 2 * i)
  writeFileSync(file, b)
}

/** A fixed pseudo-random sequence (mulberry32), so the controls are the same on every run. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function noiseLike(source, target, seed) {
  const { rate, samples } = readWav16(source)
  const rms = Math.sqrt(samples.reduce((s, v) => s + v * v, 0) / Math.max(1, samples.length))
  const next = random(seed)
  const out = new Int16Array(samples.length)
  // Uniform noise of the same RMS (uniform on [-a, a] has RMS a / sqrt 3).
  for (let i = 0; i < out.length; i++) out[i] = Math.round((2 * next() - 1) * rms * Math.sqrt(3))
  writeWav16(target, rate, out)
}

function shuffled(source, target, seed) {
  const { rate, samples } = readWav16(source)
  const piece = Math.round(rate * 0.04)
  const pieces = []
  for (let at = 0; at < samples.length; at += piece) pieces.push(samples.subarray(at, Math.min(samples.length, at + piece)))
  const next = random(seed)
  for (let i = pieces.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[pieces[i], pieces[j]] = [pieces[j], pieces[i]]
  }
  const out = new Int16Array(samples.length)
  let at = 0
  for (const p of pieces) out.set(p, at), (at += p.length)
  writeWav16(target, rate, out)
}

/** Options: voice, systems (dnn, mdnn), festival (true), keep (a folder for the WAVs), width (parallel runs, 2). */
export async function checkIntelligibility(options = {}) {
  const opts = { systems: ['dnn', 'mdnn'], festival: true, width: 2, ...options }
  const pronunciations = recogniserPronunciations()
  const unknown = (w) => !pronunciations.has(w)
  // The recogniser writes some words as their abbreviation ("dr", "mr"): a word is right when spelled
  // the same or when the dictionary gives both a common pronunciation.
  const same = (a, b) => a === b || [...(pronunciations.get(a) ?? [])].some((p) => pronunciations.get(b)?.has(p))
  const work = opts.keep ?? mkdtempSync(join(tmpdir(), 'percept-intelligibility-'))
  if (opts.keep) mkdirSync(work, { recursive: true })
  const systems = [...opts.systems, ...(opts.festival ? ['festival'] : []), ...(opts.systems.includes('dnn') ? ['noise', 'shuffled'] : [])]
  const wavOf = (index, system) => join(work, `${String(index + 1).padStart(2, '0')}-${system}.wav`)
  async function render(text, index, system) {
    const wav = wavOf(index, system)
    if (system === 'festival') {
      const txt = `${wav}.txt`
      writeFileSync(txt, text + '\n')
      await run('text2wave', ['-eval', '(voice_cmu_us_slt_arctic_hts)', '-F', '16000', '-otype', 'riff', '-o', wav, txt])
    } else if (system === 'noise') noiseLike(wavOf(index, 'dnn'), wav, 1 + index)
    else if (system === 'shuffled') shuffled(wavOf(index, 'dnn'), wav, 101 + index)
    else await run('node', [percept, 'tts', 'say', text, '--system', system, '--out', wav, '--json', ...(opts.voice ? ['--voice', opts.voice] : [])])
    return recognise(wav)
  }
  try {
    const sentences = await pool(
      unseenSentences.map((text, index) => async () => {
        const reference = await spokenWords(text)
        const entry = { text, reference: reference.join(' '), outOfVocabulary: reference.filter(unknown), systems: {} }
        // The controls are made from the DNN rendering, so the systems go in order.
        for (const system of systems) {
          const hypothesis = await render(text, index, system)
          entry.systems[system] = {
            hypothesis: hypothesis.join(' '),
            errors: wordErrors(reference, hypothesis, unknown, same),
            errorsAllWords: wordErrors(reference, hypothesis, undefined, same),
            words: reference.length,
          }
        }
        return entry
      }),
      opts.width,
    )
    const wer = Object.fromEntries(
      systems.map((system) => {
        const sum = (key) => sentences.reduce((n, s) => n + s.systems[system][key], 0)
        return [system, { wer: sum('errors') / sum('words'), werAllWords: sum('errorsAllWords') / sum('words'), words: sum('words') }]
      }),
    )
    return { voice: opts.voice ?? 'bundled', recogniser: 'pocketsphinx en-us', sentences, wer }
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true })
  }
}

const systemNames = {
  dnn: 'DNN (this voice)',
  mdnn: 'MDNNs2 (this voice)',
  festival: 'festival, cmu_us_slt_arctic_hts (the voice imitated)',
  noise: 'control: noise of the same length and loudness',
  shuffled: 'control: the DNN audio in shuffled 40 ms pieces',
}

/** The card's section: what was measured and the word error rates. */
function markdown(result) {
  const words = Object.values(result.wer)[0]?.words ?? 0
  const rows = Object.entries(result.wer).map(([s, r]) => `| ${systemNames[s] ?? s} | ${(100 * r.wer).toFixed(1)}% | ${(100 * r.werAllWords).toFixed(1)}% |`)
  return [
    '## Intelligibility of unseen text (`scripts/check-intelligibility.mjs`)',
    `${result.sentences.length} sentences written for the check, none in the corpus (numbers, dates, times, money, percentages,`,
    `abbreviations, two invented words; ${words} spoken words), synthesised by \`tts say\`, recognised by pocketsphinx (en-us)`,
    'and scored by word error rate against the words the front end says. The invented words are free slots (the',
    "recogniser's dictionary lacks them); the last column counts them as errors.",
    '',
    '| speech | WER | WER, invented words counted |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
    if (!existsSync(percept)) throw new Error('the app is not built: run npm run build first')
    if (!hasCommand('pocketsphinx_continuous') || !existsSync(recogniserDictionary)) throw new Error('pocketsphinx is not installed: apt-get install pocketsphinx pocketsphinx-en-us')
    if (opts.festival && !hasCommand('text2wave')) throw new Error('festival is not installed (apt-get install festival festvox-us-slt-hts), or pass --no-festival')
  } catch (e) {
    process.stderr.write(`check-intelligibility: ${e.message}\n`)
    process.exit(2)
  }
  const result = await checkIntelligibility(opts).catch((e) => {
    process.stderr.write(`check-intelligibility: ${e.message}\n`)
    process.exit(1)
  })
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  else if (opts.markdown) process.stdout.write(markdown(result))
  else {
    for (const s of result.sentences) {
      process.stdout.write(`\n${s.text}\n  said:       ${s.reference}\n`)
      for (const [name, r] of Object.entries(s.systems)) process.stdout.write(`  ${name.padEnd(11)} ${r.hypothesis || '(nothing)'}  [${r.errors} errors]\n`)
    }
    process.stdout.write('\nword error rate (invented words as free slots / all words counted):\n')
    for (const [name, r] of Object.entries(result.wer)) process.stdout.write(`  ${name.padEnd(11)} ${(100 * r.wer).toFixed(1)}%  /  ${(100 * r.werAllWords).toFixed(1)}%  (${r.words} words)\n`)
  }
}
