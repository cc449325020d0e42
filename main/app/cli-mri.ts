import type { Command } from 'commander'
import { mkdirSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file'
import { PerceptError } from '../core/errors'
import { readDicomSeries } from '../imaging/dicom'
import { diceByLabel, findColorTableFor, labelStats, readColorTable, type ColorTable } from '../imaging/labels'
import { defaultReduction, defaultSmoothIterations, labelSurfaces, meshToObj, meshToStl, presentLabels } from '../imaging/mesh'
import { writeNifti } from '../imaging/nifti'
import { isOrientationCode } from '../imaging/orientation'
import { resampleIsotropic } from '../imaging/preprocess'
import { reorient, reorientToRas } from '../imaging/reorient'
import { loadVolume } from '../mri/volume-source'
import { registerMriCohortCommands } from './cli-mri-cohort'
import { registerMriSegmentationCommands } from './cli-mri-segmentation'
import { registerMriTrainCommands } from './cli-mri-train'
import { positiveNumber, printJson, wholeNumber, wholeNumberList } from './cli-options'

function niftiTarget(path: string): string {
  if (!/\.nii(\.gz)?$/i.test(path)) throw new PerceptError('VALIDATION', `The output must be a NIfTI file ending in .nii or .nii.gz, got ${basename(path)}.`)
  return resolve(path)
}

async function colorTable(labels: string, lut: string | undefined): Promise<ColorTable | undefined> {
  return (lut ? await readColorTable(resolve(lut)) : await findColorTableFor(resolve(labels))) ?? undefined
}

const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n'
}

/** `percept mri ...`: volumes in and out, label statistics, overlap and surfaces; in-process, no workspace needed. */
export function registerMriCommands(program: Command): Command {
  const mri = program.command('mri').description('brain volumes: facts, conversion, DICOM import, label volumes, Dice and surfaces')
  mri
    .command('info <file>')
    .description('geometry (dims, voxel size, affine, orientation, sform/qform codes) and value range of a NIfTI file or DICOM folder')
    .option('--frame <n>', '4-D files: the frame to describe', wholeNumber(0))
    .option('--series <uid>', 'DICOM folders with several series: the SeriesInstanceUID')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { frame?: number; series?: string; json?: boolean }) => {
      const { info } = await loadVolume(resolve(file), opts)
      if (opts.json) return printJson(info)
      const mm = info.voxelSize.map((v) => v.toFixed(3)).join(' x ')
      const rows = [
        ['Format', `${info.format}, ${info.datatype}`],
        ['Dims', `${info.dims.join(' x ')}${info.frames > 1 ? ` (frame ${info.frame} of ${info.frames})` : ''}`],
        ['Voxel size', `${mm} mm`],
        ['Orientation', info.orientation],
        ['Affine from', `${info.affineSource} (sform code ${info.sformCode}, qform code ${info.qformCode})`],
        ['Values', `min ${info.min}, max ${info.max}, mean ${info.mean.toFixed(3)}`],
      ]
      process.stdout.write(rows.map(([k, v]) => `${k!.padEnd(12)} ${v}`).join('\n') + '\n')
      process.stdout.write('Affine      ' + [0, 1, 2, 3].map((r) => info.affine.slice(4 * r, 4 * r + 4).map((v) => v.toFixed(4).padStart(11)).join('')).join('\n            ') + '\n')
    })
  mri
    .command('convert <input> <output>')
    .description('write a volume (NIfTI or DICOM folder) as NIfTI, optionally reoriented (exactly) and resampled to isotropic voxels')
    .option('--reorient <code>', 'axis order of the output, e.g. RAS or LPS (permutes and flips, never resamples)')
    .option('--resample <mm>', 'isotropic voxel size in mm', positiveNumber)
    .option('--labels', 'a label map: resample by nearest neighbour (default trilinear)')
    .option('--frame <n>', '4-D files: the frame to convert', wholeNumber(0))
    .option('--series <uid>', 'DICOM folders with several series: the SeriesInstanceUID')
    .action(async (input: string, output: string, opts: { reorient?: string; resample?: number; labels?: boolean; frame?: number; series?: string }) => {
      const target = niftiTarget(output)
      if (opts.reorient !== undefined && !isOrientationCode(opts.reorient.toUpperCase())) {
        throw new PerceptError('VALIDATION', `--reorient takes three letters, one of R/L, A/P and S/I each (e.g. RAS, LPS), got ${opts.reorient}.`)
      }
      const { volume: source, info } = await loadVolume(resolve(input), opts)
      let volume = source
      if (opts.resample) volume = resampleIsotropic(volume, opts.resample, { interpolation: opts.labels ? 'nearest' : 'trilinear' })
      if (opts.reorient) volume = reorient(volume, opts.reorient.toUpperCase()).volume
      const codes = { qform: { code: info.qformCode || info.sformCode || 1 }, sform: { code: info.sformCode || info.qformCode || 1 } }
      await writeNifti(target, volume, { ...codes, description: info.description.slice(0, 79) })
      process.stdout.write(`${target}: ${volume.dims.join(' x ')}, ${volume.datatype}\n`)
    })
  mri
    .command('import-dicom <dir> <output>')
    .description('read a DICOM series (slices sorted by position) into a NIfTI volume')
    .option('--series <uid>', 'the SeriesInstanceUID, when the folder holds several series')
    .action(async (dir: string, output: string, opts: { series?: string }) => {
      const target = niftiTarget(output)
      const { volume, info } = await readDicomSeries(resolve(dir), opts.series ? { series: opts.series } : {})
      await writeNifti(target, volume, { qform: { code: 1 }, sform: { code: 1 }, description: `${info.modality} ${info.description}`.trim().slice(0, 79) })
      process.stdout.write(`${target}: ${info.slices} slices of series ${info.uid} (${info.description || 'no description'}), ${volume.dims.join(' x ')} voxels of ${info.voxelSize.map((v) => v.toFixed(3)).join(' x ')} mm, ${info.orientation}\n`)
    })
  mri
    .command('stats <labels>')
    .description('voxels and volume (mL) of every label of a label map')
    .option('--lut <file>', 'colour table with the label names (ITK-SNAP, FreeSurfer LUT, CSV, JSON); default a companion file next to the volume')
    .option('--json', 'print JSON')
    .action(async (labels: string, opts: { lut?: string; json?: boolean }) => {
      const [{ volume }, names] = await Promise.all([loadVolume(resolve(labels)), colorTable(labels, opts.lut)])
      const stats = labelStats(volume, names).map(({ label, name, voxels, volumeMl }) => ({ label, name, voxels, volumeMl }))
      if (opts.json) return printJson({ labels: stats })
      process.stdout.write(table([['LABEL', 'NAME', 'VOXELS', 'VOLUME (mL)'], ...stats.map((s) => [String(s.label), s.name, String(s.voxels), s.volumeMl.toFixed(3)])]))
    })
  mri
    .command('dice <a> <b>')
    .description('per-label Dice overlap of two label maps on the same grid')
    .option('--lut <file>', 'colour table with the label names')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, opts: { lut?: string; json?: boolean }) => {
      const [first, second, names] = await Promise.all([loadVolume(resolve(a)), loadVolume(resolve(b)), colorTable(a, opts.lut)])
      // On their RAS+ grids (an exact reordering): one grid stored in two axis orders still compares.
      const result = diceByLabel(reorientToRas(first.volume).volume, reorientToRas(second.volume).volume, names)
      const labels = result.labels.map(({ label, name, dice, voxelsA, voxelsB }) => ({ label, name, dice, voxelsA, voxelsB }))
      if (opts.json) return printJson({ labels, meanDice: result.meanDice })
      process.stdout.write(table([['LABEL', 'NAME', 'DICE', 'VOXELS A', 'VOXELS B'], ...labels.map((l) => [String(l.label), l.name, l.dice === null ? '-' : l.dice.toFixed(4), String(l.voxelsA), String(l.voxelsB)])]))
      process.stdout.write(`Mean Dice ${result.meanDice === null ? '-' : result.meanDice.toFixed(4)}\n`)
    })
  mri
    .command('mesh <labels>')
    .description('surfaces of the labels of a label map (marching cubes, Taubin smoothing, simplification) as STL or OBJ files, one per label')
    .requiredOption('--out <dir>', 'folder for the files (created if needed)')
    .option('--format <format>', 'stl or obj', 'stl')
    .option('--labels <list>', 'only these labels, e.g. 1,2,17 (default: every label present)', wholeNumberList('1,2,17'))
    .option('--smoothing <n>', 'Taubin iterations (0: none)', wholeNumber(0), defaultSmoothIterations)
    .option('--reduction <fraction>', 'fraction of triangles to remove, 0 to 0.99', Number, defaultReduction)
    .option('--lut <file>', 'colour table with the label names (used in the file names)')
    .option('--json', 'print JSON')
    .action(async (labels: string, opts: { out: string; format: string; labels?: number[]; smoothing: number; reduction: number; lut?: string; json?: boolean }) => {
      if (opts.format !== 'stl' && opts.format !== 'obj') throw new PerceptError('VALIDATION', `--format is stl or obj, got ${opts.format}.`)
      if (!(opts.reduction >= 0 && opts.reduction <= 0.99)) throw new PerceptError('VALIDATION', `--reduction is a fraction from 0 to 0.99, got ${opts.reduction}.`)
      const [{ volume }, names] = await Promise.all([loadVolume(resolve(labels)), colorTable(labels, opts.lut)])
      const wanted = opts.labels ?? presentLabels(volume)
      const started = performance.now()
      const surfaces = await labelSurfaces(volume, wanted, { smoothIterations: opts.smoothing, reduction: opts.reduction })
      const seconds = (performance.now() - started) / 1000
      const dir = resolve(opts.out)
      mkdirSync(dir, { recursive: true })
      const files = []
      for (const { label, voxels, mesh } of surfaces) {
        const name = `${label}-${(names?.get(label)?.name ?? `Label ${label}`).replace(/[^\w.-]+/g, '_').slice(0, 80)}`
        const file = join(dir, `${name}.${opts.format}`)
        await writeFileAtomic(file, opts.format === 'stl' ? meshToStl(mesh, name) : meshToObj(mesh, name))
        files.push({ label, voxels, file, vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3 })
      }
      if (opts.json) return printJson({ files, seconds })
      process.stdout.write(`${files.length} surfaces in ${seconds.toFixed(2)} s, written to ${dir}\n`)
    })
  registerMriCohortCommands(mri)
  registerMriSegmentationCommands(mri)
  registerMriTrainCommands(mri)
  return mri
}
