import { z } from 'zod'
import { modelCheckReportSchema, modelPackageSummarySchema } from './models'

const modelId = z.string().min(1).max(200)

/** models.*: the installed model packages of the workspace (models/<id>/). */
export const modelMethods = {
  'models.list': {
    description: 'Installed model packages, by name, then the ones bundled with the app (bundled: true, id bundled/<name>, read-only).',
    input: z.object({}).strict(),
    output: z.array(modelPackageSummarySchema),
  },
  'models.get': {
    description: 'One package with its model card (Markdown).',
    input: z.object({ id: modelId }).strict(),
    output: modelPackageSummarySchema.extend({ card: z.string() }),
  },
  'models.import': {
    description: 'Install a package from a folder or a .zip on this machine, after checking it loads and matches its model.json.',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: modelPackageSummarySchema,
  },
  'models.export': {
    description:
      'Write a package as a .zip to the given path (an existing folder means <folder>/<id>.zip), or with as: "folder" as a package folder at the path (an empty folder or an earlier package there is replaced; any other folder is refused).',
    input: z.object({ id: modelId, path: z.string().min(1), as: z.enum(['zip', 'folder']).optional() }).strict(),
    output: z.object({ path: z.string() }),
  },
  'models.delete': {
    description: 'Remove an installed package (a bundled one is refused).',
    input: z.object({ id: modelId }).strict(),
    output: z.object({ id: z.string() }),
  },
  'models.check': {
    description: 'Run a package once on a sample input of its declared shape and report outputs and timing.',
    input: z.object({ id: modelId }).strict(),
    output: modelCheckReportSchema,
  },
} as const
