import { z } from 'zod'

export const fileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'folder']),
  /** Bytes; null for folders. */
  size: z.number().nullable(),
  modifiedAt: z.string(),
})
export type FileEntry = z.infer<typeof fileEntrySchema>

/**
 * The in-app file browser: the core runs on the user's own machine, so both doors browse its disk the same
 * way (a native dialog is a convenience the Electron door may add, not a requirement).
 */
export const fileMethods = {
  'files.list': {
    description: 'A folder\'s entries, folders first; hidden entries only when asked. Default folder: the home folder.',
    input: z
      .object({
        path: z.string().optional(),
        showHidden: z.boolean().optional(),
        /** Lower-case extensions without the dot, e.g. ["zip", "onnx"]; folders are always listed. */
        extensions: z.array(z.string()).optional(),
      })
      .strict(),
    output: z.object({
      path: z.string(),
      parent: z.string().nullable(),
      entries: z.array(fileEntrySchema),
      /** Places to start from: home, the workspace, filesystem roots. */
      places: z.array(z.object({ name: z.string(), path: z.string() })),
    }),
  },
} as const
