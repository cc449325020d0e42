import pkg from '../../package.json'

/** Name and version as released; bundled at build time so the packaged app need not read package.json. */
export const appMeta = { name: pkg.productName, version: pkg.version } as const
