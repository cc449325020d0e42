import { z } from 'zod'
import { jobStateSchema, jobSummarySchema } from './events'

/**
 * The face gallery and low-resolution identification (SLRFR, paper 004). Pictures never cross as JSON:
 * every image named here is a URL below `res/faces/` answering an 8-bit grey PNG.
 *  - `res/faces/crops/<photoId>`: a photo's canonical crop (48 x 40 by default), also its thumbnail;
 *  - `res/faces/relit/<photoId>/<k>`: the crop relit under light k (0..8) of Lee, Ho and Kriegman, the
 *    nine on one brightness scale (the brightest pixel of the nine is white);
 *  - `res/faces/identifications/<id>/probe` and `.../reconstruction/<rank>`: an identification's probe
 *    and each candidate's reconstruction P_i y, at the probe resolution (kept for the last few calls).
 *  - `res/faces/detections/<job>/photos/<i>` and `.../crops/<i>/<k>`: a faces.detect job's copy of photo i
 *    (the file as imported, PNG or JPEG) and the aligned crop of its face k.
 * Besides, `POST res/faces/upload?name=<file name>` takes a dropped PNG or JPEG (a browser's File has no
 * path), keeps it in the workspace's datasets/dropped/faces/ and answers JSON {path} for faces.importPhotos
 * or faces.identify.
 */

const id = z.string().min(1)
/** "7x6": HEIGHTxWIDTH in pixels; checked against the gallery's crop by the service. */
const resolutionText = z.string().regex(/^\s*\d{1,4}\s*[xX]\s*\d{1,4}\s*$/, 'a resolution is HEIGHTxWIDTH in pixels, e.g. 7x6 or 12x10')

export const faceBoxSchema = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
})
export type FaceBoxWire = z.infer<typeof faceBoxSchema>

export const facePersonSchema = z.object({
  id: z.string(),
  name: z.string(),
  photos: z.number().int().nonnegative(),
  /** The crop of the person's first photo (res/faces/crops/<photoId>); null for a person with no photo. */
  thumbnail: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type FacePersonSummary = z.infer<typeof facePersonSchema>

export const facePhotoSchema = z.object({
  id: z.string(),
  /** null: the photo is in the inbox. */
  personId: z.string().nullable(),
  /** The imported file's name. */
  sourceName: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The face's box in the photo; null when the whole photo was taken as the aligned face. */
  box: faceBoxSchema.nullable(),
  /** The canonical crop's size. */
  cropSize: z.object({ height: z.number().int(), width: z.number().int() }),
  /** res/faces/crops/<id>. */
  crop: z.string(),
  addedAt: z.string(),
})
export type FacePhotoSummary = z.infer<typeof facePhotoSchema>

export const faceImportReportSchema = z.object({
  taken: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  /** File by file: what was taken (with the photo) and what was refused (with the reason). */
  files: z.array(z.object({ file: z.string(), taken: z.boolean(), photoId: z.string().nullable(), reason: z.string().nullable() })),
  /** Where the taken photos went: a person, or null for the inbox. */
  person: facePersonSchema.nullable(),
  /** Whether that person was created by this import. */
  created: z.boolean(),
})
export type FaceImportReport = z.infer<typeof faceImportReportSchema>

export const relitImageSchema = z.object({
  /** 0..8, in the order of Lee, Ho and Kriegman's universal configuration. */
  index: z.number().int().nonnegative(),
  /** (θ from the viewing axis, φ around it), degrees. */
  theta: z.number(),
  phi: z.number(),
  /** "frontal", "from the upper right", ... */
  label: z.string(),
  url: z.string(),
})

export const faceCandidateSchema = z.object({
  rank: z.number().int().positive(),
  personId: z.string(),
  person: z.string(),
  /** ||(I - P_i) y|| for the unit-length probe: 0 a perfect fit, 1 none. */
  residual: z.number(),
  /** P_i y as a picture at the probe resolution. */
  reconstruction: z.string(),
  /** The person's gallery crop (null when they have no photo now). */
  thumbnail: z.string().nullable(),
})
export type FaceCandidate = z.infer<typeof faceCandidateSchema>

export const faceIdentificationSchema = z.object({
  id: z.string(),
  probeName: z.string(),
  /** The probe as read (its own size). */
  probe: z.object({ url: z.string(), height: z.number().int(), width: z.number().int() }),
  /** The resolution matched, "7x6". */
  resolution: z.string(),
  /** The gallery crop it was matched against. */
  crop: z.object({ height: z.number().int(), width: z.number().int() }),
  candidates: z.array(faceCandidateSchema),
  /** People in the dictionaries (those with photos). */
  people: z.number().int(),
  seconds: z.number(),
  /** Whether the dictionaries of this resolution had to be built for this call. */
  built: z.boolean(),
})
export type FaceIdentification = z.infer<typeof faceIdentificationSchema>

export const faceEvalMethodSchema = z.enum(['slrfr', 'pca', 'pca-relit', 'deep'])
export type FaceEvalMethod = z.infer<typeof faceEvalMethodSchema>

/** What a faces.evaluate job answers as its result (jobs.get), the shape `percept faces eval --json` prints. */
export const faceEvaluationResultSchema = z.object({
  dataset: z.string(),
  people: z.number().int(),
  imagesPerPerson: z.number().int(),
  galleryImages: z.array(z.number().int()),
  resolutions: z.array(
    z.object({
      resolution: z.string(),
      methods: z.array(z.object({ method: faceEvalMethodSchema, rank1: z.number(), cmc: z.array(z.number()) })),
    }),
  ),
  seconds: z.number(),
})
export type FaceEvaluationResult = z.infer<typeof faceEvaluationResultSchema>

/** The input of a faces.evaluate job (also the faces.evaluate method's). */
export const faceEvaluationInputSchema = z
  .object({
    /** One folder per person of aligned face images (PNG or JPEG), files sorted by name. */
    dataset: z.string().min(1),
    resolutions: z.array(resolutionText).min(1).max(8),
    /** Gallery indices g (default: every index): image g of every person is the gallery, the rest are probes. */
    galleryImages: z.array(z.number().int().nonnegative()).min(1).max(64).optional(),
  })
  .strict()
export type FaceEvaluationInput = z.infer<typeof faceEvaluationInputSchema>

/** Where imported photos go: an existing person (personId), a new one (newPerson) or the inbox (neither). */
const importTarget = { personId: id.optional(), newPerson: z.string().optional() }
const importPaths = z.array(z.string().min(1)).min(1).max(1000)
/** SSD's confidence threshold: 0.5 is face-api's default; lower finds more faces (and more that are not). */
const minConfidence = z.number().min(0.05).max(0.99)

/** The input of a faces.detect job: the photos, the crop to align to, the threshold, and where they go. */
export const faceDetectJobInputSchema = z
  .object({ paths: importPaths, crop: z.object({ height: z.number().int().positive(), width: z.number().int().positive() }).strict(), minConfidence, ...importTarget })
  .strict()
export type FaceDetectJobInput = z.infer<typeof faceDetectJobInputSchema>

export const detectedFaceSchema = z.object({
  /** In the photo's pixels; null when the photo was taken whole as an aligned face. */
  box: faceBoxSchema.nullable(),
  /** The detector's confidence (1 for a photo taken whole). */
  score: z.number(),
  /** Eye centres in the photo's pixels, the eye on the image's left first; null without detection. */
  eyes: z.object({ left: z.tuple([z.number(), z.number()]), right: z.tuple([z.number(), z.number()]) }).nullable(),
  /** res/faces/detections/<job>/crops/<i>/<k>: the aligned crop. */
  crop: z.string(),
  /** The gallery photo the face became once recorded; null before, or when it was refused. */
  photoId: z.string().nullable(),
  /** Where it went: a person's id, or null for the inbox (meaningful with photoId). */
  personId: z.string().nullable(),
})

export const detectedPhotoSchema = z.object({
  index: z.number().int().nonnegative(),
  /** The path imported. */
  file: z.string(),
  name: z.string(),
  /** 0 when the file could not be read. */
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  /** res/faces/detections/<job>/photos/<i>; null when the file could not be read. */
  url: z.string().nullable(),
  faces: z.array(detectedFaceSchema),
  /** Faces found but not usable (too small), each with why. */
  skipped: z.array(z.string()),
  /** Why nothing was taken from the photo (no face, unreadable), with what to do; null when faces were. */
  message: z.string().nullable(),
  /** Whether a person can draw the face's box on it (the photo was read but no face came of it). */
  manualBox: z.boolean(),
})
export type DetectedPhoto = z.infer<typeof detectedPhotoSchema>

/** A faces.detect job's photos and faces once it is done, and what the gallery took of them. */
export const faceDetectionSchema = z.object({
  job: z.string(),
  state: jobStateSchema,
  /** Empty until the job is done (nothing is kept of a cancelled or failed one). */
  photos: z.array(detectedPhotoSchema),
  /** What the gallery took (one photo per face) and refused; null until recorded. */
  report: faceImportReportSchema.nullable(),
})
export type FaceDetection = z.infer<typeof faceDetectionSchema>

const person = z.object({ id }).strict()

export const faceMethods = {
  'faces.people': {
    description: 'The gallery\'s people (name order) with photo counts and a thumbnail; `search` keeps names containing it. Also the inbox\'s size.',
    input: z.object({ search: z.string().max(200).optional() }).strict(),
    output: z.object({ people: z.array(facePersonSchema), inbox: z.number().int().nonnegative(), crop: z.object({ height: z.number().int(), width: z.number().int() }) }),
  },
  'faces.person': {
    description: 'One person with their photos, oldest first.',
    input: person,
    output: z.object({ person: facePersonSchema, photos: z.array(facePhotoSchema) }),
  },
  'faces.createPerson': {
    description: 'Add a person (no photos yet); names are unique, case ignored.',
    input: z.object({ name: z.string() }).strict(),
    output: facePersonSchema,
  },
  'faces.renamePerson': {
    description: 'Rename a person.',
    input: z.object({ id, name: z.string() }).strict(),
    output: facePersonSchema,
  },
  'faces.mergePeople': {
    description: 'Move every photo of `source` to `target` and retire `source`; faces.undoMerge with the source\'s id brings it back.',
    input: z.object({ source: id, target: id }).strict(),
    output: z.object({ merged: z.object({ id: z.string(), name: z.string() }), into: z.object({ id: z.string(), name: z.string() }), photoIds: z.array(z.string()) }),
  },
  'faces.undoMerge': {
    description: 'Bring back a merged person with the photos the merge moved.',
    input: person,
    output: z.object({ person: facePersonSchema, photoIds: z.array(z.string()) }),
  },
  'faces.splitPerson': {
    description: 'Move chosen photos of a person to a new person.',
    input: z.object({ id, photoIds: z.array(id).min(1), name: z.string() }).strict(),
    output: facePersonSchema,
  },
  'faces.deletePerson': {
    description: 'Remove a person; their photos go to the inbox (none is deleted).',
    input: person,
    output: z.object({ person: facePersonSchema, photoIds: z.array(z.string()) }),
  },
  'faces.inbox': {
    description: 'Photos assigned to no one, oldest first.',
    input: z.object({}).strict(),
    output: z.array(facePhotoSchema),
  },
  'faces.assignPhoto': {
    description: 'Give a photo to a person (personId), or send it to the inbox (null).',
    input: z.object({ photoId: id, personId: id.nullable() }).strict(),
    output: facePhotoSchema,
  },
  'faces.importPhotos': {
    description:
      'Import PNG and JPEG photos (files, or folders walked) into the gallery: to a person (personId), a new person (newPerson) or the inbox (neither). Each photo is checked and cropped; refusals say why.',
    input: z
      .object({
        paths: z.array(z.string().min(1)).min(1).max(1000),
        personId: id.optional(),
        newPerson: z.string().optional(),
        /** The face's box in every photo (x, y, width, height); default: each photo is an aligned face. */
        box: faceBoxSchema.optional(),
      })
      .strict(),
    output: faceImportReportSchema,
  },
  'faces.detectPhotos': {
    description:
      'Start a faces.detect job: every face in PNG and JPEG photos (files, or folders walked) found and aligned by the eye centres; once done, a photo\'s one face goes to the person (personId or newPerson) or the inbox, each face of a photo with several to the inbox. Photos shaped like an aligned crop are taken whole.',
    input: z.object({ paths: importPaths, ...importTarget, minConfidence: minConfidence.default(0.5) }).strict(),
    output: jobSummarySchema,
  },
  'faces.detection': {
    description: 'A faces.detect job\'s photos with their faces (boxes, eyes, aligned crops), and what the gallery took once it is done.',
    input: z.object({ job: id }).strict(),
    output: faceDetectionSchema,
  },
  'faces.relit': {
    description: 'A photo\'s crop relit under the nine lights of Lee, Ho and Kriegman (section 3.1), with the light estimated from the photo.',
    input: z.object({ photoId: id }).strict(),
    output: z.object({
      photoId: z.string(),
      crop: z.string(),
      /** The estimated light of the photo: unit direction (x right, y up, z towards the camera) and ambient level. */
      light: z.object({ direction: z.tuple([z.number(), z.number(), z.number()]), ambient: z.number() }),
      images: z.array(relitImageSchema),
      seconds: z.number(),
    }),
  },
  'faces.identify': {
    description:
      'Rank the gallery\'s people for a low-resolution face image (a path, e.g. an upload\'s): the probe, at its own size or smoothed down to `resolution`, is projected on each person\'s dictionary (equations 6-9); dictionaries are built first when needed.',
    input: z
      .object({
        path: z.string().min(1),
        resolution: resolutionText.optional(),
        top: z.number().int().min(1).max(100).default(5),
      })
      .strict(),
    output: faceIdentificationSchema,
  },
  'faces.evaluate': {
    description: 'Start a faces.evaluate job: the PIE protocol (evaluate.ts) on a folder of face folders, SLRFR against PCA, PCA on the relit gallery and the face models\' deep descriptor; the job\'s result has rank-1 and CMC per resolution and method.',
    input: faceEvaluationInputSchema,
    output: jobSummarySchema,
  },
} as const
