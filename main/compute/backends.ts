/**
 * Former name of ./backend, kept so main/app/handlers.ts keeps compiling until its import points
 * at './backend' (then delete this file).
 */
export { backendPreference, probeBackends, type BackendProbe, type TfBackendName } from './backend'
