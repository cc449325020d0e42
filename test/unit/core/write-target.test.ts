import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { checkWriteTarget, placesFor, refusedPlace, WriteTargets, type WritePlaces } from '../../../main/core/write-target'

const labels = { kind: 'file', what: 'Audacity labels', extensions: ['.txt'] } as const

function refusal(run: () => unknown): PerceptError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(PerceptError)
    return error as PerceptError
  }
  throw new Error('expected the path to be refused')
}

let root: string
let places: WritePlaces

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'percept-write-target-')))
  mkdirSync(join(root, 'home', 'Documents'), { recursive: true })
  mkdirSync(join(root, 'home', '.ssh'))
  mkdirSync(join(root, 'home', '.percept'))
  // A stand-in home inside the temp folder, so the dotfile rules are tested on real folders.
  places = { platform: process.platform, homeDir: join(root, 'home'), tempDirs: [tmpdir()], workspaceHome: join(root, 'home', '.percept') }
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

describe.skipIf(process.platform === 'win32')('checkWriteTarget', () => {
  it('accepts a file of the right kind in a folder of the user, and answers its absolute path', () => {
    const path = join(root, 'home', 'Documents', 'take 1.TXT')
    expect(checkWriteTarget(path, labels, places)).toBe(path)
    expect(checkWriteTarget(join(root, 'home', 'Documents', 'new folder'), { kind: 'folder', what: 'meshes' }, places)).toBe(join(root, 'home', 'Documents', 'new folder'))
  })

  it('refuses the wrong extension, naming the right one', () => {
    const error = refusal(() => checkWriteTarget(join(root, 'home', 'Documents', 'notes.conf'), labels, places))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toBe('Audacity labels are written as .txt: give the file a .txt name (not "notes.conf").')
    expect(refusal(() => checkWriteTarget(join(root, 'home', 'Documents', '.txt'), labels, places)).message).toMatch(/give the file a \.txt name/)
  })

  it('refuses system folders, but not the temp folder', () => {
    for (const path of ['/etc/cron.d/job.txt', '/usr/local/bin/x.txt', '/var/log/x.txt', '/proc/self/x.txt', '/dev/x.txt', '/boot/x.txt', '/lib64/x.txt']) {
      const error = refusal(() => checkWriteTarget(path, labels, places))
      expect(error.code, path).toBe('VALIDATION')
      expect(error.message, path).toMatch(/a folder of the operating system: choose a folder of your own for Audacity labels/)
    }
    expect(checkWriteTarget(join(root, 'x.txt'), labels, places)).toBe(join(root, 'x.txt'))
  })

  it('carves the temp folder out of /var only when it lies inside it, and never /var itself', () => {
    const mac: WritePlaces = { ...places, tempDirs: ['/var/folders/ab/T'] }
    expect(refusedPlace('/var/folders/ab/T/export.txt', mac)).toBeNull()
    expect(refusedPlace('/var/folders/ab/other.txt', mac)).toMatch(/is in \/var/)
    expect(refusedPlace('/etc/passwd', { ...places, tempDirs: ['/etc'] })).toMatch(/is in \/etc/)
  })

  it("refuses a home folder's dotfiles and dot-folders, except the workspace kept in one", () => {
    expect(refusal(() => checkWriteTarget(join(root, 'home', '.ssh', 'keys.txt'), labels, places)).message).toBe(
      `${join(root, 'home', '.ssh', 'keys.txt')} is inside ${join(root, 'home', '.ssh')}, a hidden settings file or folder of a home folder: choose a visible folder for Audacity labels, such as Documents.`,
    )
    expect(refusal(() => checkWriteTarget(join(root, 'home', '.bashrc.txt'), labels, places)).message).toMatch(/hidden settings file/)
    expect(refusedPlace('/root/.config/autostart/x.txt', places)).toMatch(/inside \/root\/\.config/)
    const upload = join(root, 'home', '.percept', 'notes.txt')
    expect(checkWriteTarget(upload, labels, places)).toBe(upload)
  })

  it("refuses the workspace's database and lock, by name and through a link", () => {
    const workspace = join(root, 'home', '.percept')
    for (const name of ['percept.db', 'percept.db-wal', 'percept.lock']) {
      expect(refusedPlace(join(workspace, name), places)).toMatch(/the workspace's own (database|lock file)/)
    }
    const db = { kind: 'file', what: 'model packages', extensions: ['.db'] } as const
    expect(refusal(() => checkWriteTarget(join(workspace, 'percept.db'), db, places)).message).toMatch(/workspace's own database/)
    symlinkSync(workspace, join(root, 'home', 'Documents', 'ws'))
    expect(refusal(() => checkWriteTarget(join(root, 'home', 'Documents', 'ws', 'percept.db'), db, places)).message).toMatch(
      /leads through a link to .*percept\.db: .*workspace's own database/,
    )
  })

  it('follows links: a folder or a file that points into a refused place is refused', () => {
    symlinkSync('/etc', join(root, 'home', 'Documents', 'etc-link'))
    const viaFolder = refusal(() => checkWriteTarget(join(root, 'home', 'Documents', 'etc-link', 'hosts.txt'), labels, places))
    expect(viaFolder.message).toMatch(/leads through a link to \/etc\/hosts\.txt: .* is in \/etc/)
    symlinkSync(join(root, 'home', '.ssh'), join(root, 'home', 'Documents', 'keys'))
    expect(refusal(() => checkWriteTarget(join(root, 'home', 'Documents', 'keys', 'new.txt'), labels, places)).message).toMatch(/hidden settings/)
    writeFileSync(join(root, 'home', '.ssh', 'authorized.txt'), 'key')
    symlinkSync(join(root, 'home', '.ssh', 'authorized.txt'), join(root, 'home', 'Documents', 'innocent.txt'))
    expect(refusal(() => checkWriteTarget(join(root, 'home', 'Documents', 'innocent.txt'), labels, places)).message).toMatch(/leads through a link/)
  })

  it('refuses hostile spellings: "..", NUL, relative, overlong, the top of the file system', () => {
    const climbing = refusal(() => checkWriteTarget(`${root}/home/Documents/../../../../etc/x.txt`, labels, places))
    expect(climbing.message).toBe('The path for Audacity labels climbs with "..": give the folder\'s full path without "..".')
    expect(refusal(() => checkWriteTarget(join(root, 'a\0.txt'), labels, places)).message).toMatch(/NUL character/)
    expect(refusal(() => checkWriteTarget('labels.txt', labels, places)).message).toMatch(/^"labels\.txt" is a relative path: give the full path/)
    expect(refusal(() => checkWriteTarget('', labels, places)).message).toBe('No path given: choose where to write Audacity labels.')
    const long = join(root, ...Array.from({ length: 30 }, () => 'x'.repeat(200)), 'a.txt')
    expect(refusal(() => checkWriteTarget(long, labels, places)).message).toMatch(/characters long; at most 4096/)
    expect(refusal(() => checkWriteTarget(join(root, `${'n'.repeat(300)}.txt`), labels, places)).message).toMatch(/longer than 255 characters/)
    expect(refusal(() => checkWriteTarget('/labels.txt', labels, places)).message).toMatch(/top of the file system/)
    expect(refusal(() => checkWriteTarget('/', { kind: 'folder', what: 'meshes' }, places)).message).toMatch(/top of the file system/)
  })

  it('says when the folder is missing, or the name is a folder or a file of the wrong kind', () => {
    const missing = refusal(() => checkWriteTarget(join(root, 'nope', 'x.txt'), labels, places))
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toBe(`The folder ${join(root, 'nope')} does not exist: choose an existing folder, or create it first.`)
    mkdirSync(join(root, 'dir.txt'))
    expect(refusal(() => checkWriteTarget(join(root, 'dir.txt'), labels, places)).message).toMatch(/is a folder: choose a file name inside it/)
    writeFileSync(join(root, 'file'), '')
    expect(refusal(() => checkWriteTarget(join(root, 'file'), { kind: 'folder', what: 'meshes' }, places)).message).toMatch(/is a file: choose a folder for meshes/)
  })
})

describe('refusedPlace on Windows', () => {
  const windows: WritePlaces = { platform: 'win32', homeDir: 'C:\\Users\\ada', tempDirs: ['C:\\Users\\ada\\AppData\\Local\\Temp'], env: {} }

  it('refuses the Windows and Program Files folders in any case, and dot-folders of the home', () => {
    expect(refusedPlace('C:\\Windows\\System32\\drivers\\etc\\hosts.txt', windows)).toMatch(/is in C:\\Windows/)
    expect(refusedPlace('c:\\program files\\App\\x.zip', windows)).toMatch(/Program Files/)
    expect(refusedPlace('C:\\Program Files (x86)\\x.zip', windows)).toMatch(/Program Files \(x86\)/)
    expect(refusedPlace('C:\\Users\\ada\\.ssh\\x.txt', windows)).toMatch(/hidden settings/)
    expect(refusedPlace('C:\\Users\\ada\\Documents\\x.txt', windows)).toBeNull()
    expect(refusedPlace('D:\\x.txt', windows)).toBeNull()
  })

  it('refuses device paths and relative paths before touching the disk', () => {
    expect(refusal(() => checkWriteTarget('\\\\.\\PhysicalDrive0', labels, windows)).message).toMatch(/device path/)
    expect(refusal(() => checkWriteTarget('C:labels.txt', labels, windows)).message).toMatch(/relative path/)
  })
})

describe('WriteTargets', () => {
  it('checks files and folders against the places of one workspace', () => {
    const targets = new WriteTargets(placesFor(join(root, 'home', '.percept')))
    expect(targets.file(join(root, 'take.wav'), 'sound exports', ['.wav'])).toBe(join(root, 'take.wav'))
    expect(refusal(() => targets.file(join(root, 'take.mp3'), 'sound exports', ['.wav'])).message).toMatch(/^Sound exports are written as \.wav: give the file a \.wav name/)
    expect(targets.folder(join(root, 'meshes'), 'surface meshes')).toBe(join(root, 'meshes'))
  })
})
