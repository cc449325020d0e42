import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contentTypeFor, resolveStaticFile } from '../../main/app/static-files'
import { tempHome } from '../helpers/temp-home'

const { home, cleanup } = tempHome()
const root = join(home, 'renderer')
mkdirSync(join(root, 'assets'), { recursive: true })
writeFileSync(join(root, 'index.html'), 'x')
writeFileSync(join(root, 'assets', 'a.css'), 'x')
writeFileSync(join(home, 'secret.txt'), 'x')
afterAll(cleanup)

describe('resolveStaticFile', () => {
  it('maps / to index.html and finds assets', async () => {
    expect(await resolveStaticFile(root, '/')).toBe(join(root, 'index.html'))
    expect(await resolveStaticFile(root, '/assets/a.css')).toBe(join(root, 'assets', 'a.css'))
  })

  it('refuses anything that escapes the root, is missing, or is a folder', async () => {
    for (const path of ['../secret.txt', '/../secret.txt', '..%2Fsecret.txt', '/assets/../../secret.txt', '/nope.js', '/assets', '/a%00b', '/%E0%A4%A']) {
      expect(await resolveStaticFile(root, path), path).toBeNull()
    }
  })

  it('names content types the browser needs', () => {
    expect(contentTypeFor('x/index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('m.wasm')).toBe('application/wasm')
    expect(contentTypeFor('blob')).toBe('application/octet-stream')
  })
})
