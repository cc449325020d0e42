import { randomBytes } from 'node:crypto'
import { rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelCheckReport, ModelPackageSummary } from '../../api/models'
import type { EventBus } from '../../core/event-bus'
import { PerceptError } from '../../core/errors'
import { checkModelPackage } from './package-check'
import { listModelPackages, readModelPackage } from './package-files'
import { exportModelPackage, importModelPackage, safePackageName } from './package-import'

/** The workspace's installed model packages (models/<id>/), as the API offers them. */
export class ModelLibrary {
  constructor(
    readonly modelsDir: string,
    private readonly events: EventBus,
  ) {}

  list(): Promise<ModelPackageSummary[]> {
    return listModelPackages(this.modelsDir)
  }

  /** The folder of an installed package; ids are folder names, so anything else is refused before touching disk. */
  private dirOf(id: string): string {
    if (safePackageName(id) !== id) throw new PerceptError('VALIDATION', `"${id}" is not a model id.`)
    return join(this.modelsDir, id)
  }

  async get(id: string): Promise<ModelPackageSummary & { card: string }> {
    const dir = this.dirOf(id)
    if (!(await stat(dir).catch(() => null))) throw new PerceptError('NOT_FOUND', `No model "${id}" is installed.`)
    const pkg = await readModelPackage(dir)
    return { id: pkg.id, dir: pkg.dir, meta: pkg.meta, card: pkg.card ?? '' }
  }

  async import(source: string): Promise<ModelPackageSummary> {
    const pkg = await importModelPackage(source, this.modelsDir)
    this.events.emit('workspace.changed', { area: 'models', key: pkg.id })
    return { id: pkg.id, dir: pkg.dir, meta: pkg.meta }
  }

  /** Writes <id>.zip to `path`, or into it when `path` is a folder. */
  async export(id: string, path: string): Promise<{ path: string }> {
    const { dir } = await this.get(id)
    const isFolder = (await stat(path).catch(() => null))?.isDirectory() ?? false
    const zipPath = isFolder ? join(path, `${id}.zip`) : path.toLowerCase().endsWith('.zip') ? path : `${path}.zip`
    return { path: (await exportModelPackage(dir, zipPath)).zipPath }
  }

  /** Moves the folder aside first, so a crash mid-delete never leaves a half package that looks installed. */
  async delete(id: string): Promise<{ id: string }> {
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
