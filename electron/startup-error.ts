/** A person-readable reason why the app cannot start, with the fix for the one failure a developer causes by hand. */
export function describeStartupError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)) {
    return `${message}\n\nThe SQLite addon is not built for this Electron. Run "node scripts/install-natives.mjs" and start again.`
  }
  return message
}
