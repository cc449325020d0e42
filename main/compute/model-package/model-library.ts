import { randomBytes } from 'node:crypto'
import { rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelCheckReport, ModelPackageSummary } from '../../api/models'
import type { EventBus } from '../../core/event-bus'
import { PerceptError } from '../../core/errors'
import { WriteTargets } from '../../core/write-target'
import { bundledIdPrefix, listBundledPackages } from './bundled-packages'
import { checkModelPackage } from './package-check'
import { listModelPackages, readModelPackage } from './package-files'
import { exportModelPackage, exportModelPackageFolder, importModelPackage, safePackageName } from './package-import'

/** The workspace's installed model packages (models/<id>/), then the app's bundled ones, as the API offers them. */
export class ModelLibrary {
  constructor(
    readonly modelsDir: string,
    private readonly events: EventBus,
    /** Where exports may be written (default: this machine's rules, no workspace). */
    private readonly writeTargets: WriteTargets = new WriteTargets(),
    /** The models shipped with the app (models/<domain>/<name>), listed read-only. */
    private readonly bundledDir: string | null = null,
  ) {}

  async list(): Promise<ModelPackageSummary[]> {
    const installed = (await listModelPackages(this.modelsDir)).map((p) => ({ ...p, bundled: false }))
    return [...installed, ...(await listBundledPackages(this.bundledDir))]
  }

  /** The folder of an installed package; ids are folder names, so anything else is refused before touching disk. */
  private dirOf(id: string): string {
    if (safePackageName(id) !== id) throw new PerceptError('VALIDATION', `"${id}" is not a model id.`)
    return join(this.modelsDir, id)
  }

  async get(id: string): Promise<ModelPackageSummary & { card: string }> {
    if (id.startsWith(bundledIdPrefix)) {
      const found = (await listBundledPackages(this.bundledDir)).find((p) => p.id === id)
      if (!found) throw new PerceptError('NOT_FOUND', `No bundled model "${id}".`)
      return { ...found, card: (await readModelPackage(found.dir)).card ?? '' }
    }
    const dir = this.dirOf(id)
    if (!(await stat(dir).catch(() => null))) throw new PerceptError('NOT_FOUND', `No model "${id}" is installed.`)
    const pkg = await readModelPackage(dir)
    return { id: pkg.id, dir: pkg.dir, meta: pkg.meta, bundled: false, card: pkg.card ?? '' }
  }

  async import(source: string): Promise<ModelPackageSummary> {
    const pkg = await importModelPackage(source, this.modelsDir)
    this.events.emit('workspace.changed', { area: 'models', key: pkg.id })
    return { id: pkg.id, dir: pkg.dir, meta: pkg.meta }
  }

  /**
   * As a zip (the default): writes <id>.zip into `path` when it is a folder, else to `path` (.zip added
   * when missing). As a folder: writes the package folder itself at `path`.
   */
  async export(id: string, path: string, as: 'zip' | 'folder' = 'zip'): Promise<{ path: string }> {
    const { dir } = await this.get(id)
    if (as === 'folder') return { path: (await exportModelPackageFolder(dir, this.writeTargets.folder(path, 'model packages'))).dir }
    const isFolder = (await stat(path).catch(() => null))?.isDirectory() ?? false
    const wanted = isFolder ? join(path, `${id.replace(bundledIdPrefix, '')}.zip`) : path.toLowerCase().endsWith('.zip') ? path : `${path}.zip`
    return { path: (await exportModelPackage(dir, this.writeTargets.file(wanted, 'model package zips', ['.zip']))).zipPath }
  }

  /** Moves the folder aside first, so a crash mid-delete never leaves a half package that looks installed. */
  async delete(id: string): Promise<{ id: string }> {
    if (id.startsWith(bundledIdPrefix)) throw new PerceptError('VALIDATION', `${id} ships with the app and cannot be deleted.`)
    const { dir } = await this.get(id)
    const trash = join(this.modelsDir, `.deleting-${id}-${randomBytes(4).toString('hex')}`)
    await rename(dir, trash)
    await rm(trash, { recursive: true, force: true })
    this.events.emit('workspace.changed', { area: 'models', key: id })
    return { id }
  }

  async check(id: string): Promise<ModelCheckReport> {
    return checkModelPackage((await this.get(id)).dir)
  }
}
