/** The TypeScript module (base64 of the assembled binary) for one .wat file's text. */
export function wasmModuleSource(name: string, wat: string): Promise<string>
