import { z } from 'zod'
import { modelProvenanceSchema } from './models'

const vec3 = z.tuple([z.number(), z.number(), z.number()])
const intVec3 = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()])
/** Row-major 4x4: world (RAS+ mm) = affine * [i, j, k, 1]. */
const mat4 = z.array(z.number()).length(16)
const rgb = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)])

export const voxelTypeSchema = z.enum(['uint8', 'int8', 'int16', 'uint16', 'int32', 'float32', 'float64', 'rgb24'])

/** What `percept mri info` prints and what opening a volume reports (of the file as stored). */
export const volumeInfoSchema = z.object({
  format: z.enum(['nifti1', 'nifti2', 'dicom']),
  dims: intVec3,
  /** mm along i, j, k. */
  voxelSize: vec3,
  datatype: voxelTypeSchema,
  /** The affine used (see affineSource). */
  affine: mat4,
  /** Which header field gave the affine: sform when its code is set unless the qform's code is higher (NiiVue's rule). */
  affineSource: z.enum(['sform', 'qform', 'pixdim', 'dicom']),
  /** Where the voxel axes point, e.g. "LPS": i runs towards Left, j Posterior, k Superior. */
  orientation: z.string().length(3),
  sformCode: z.number().int(),
  qformCode: z.number().int(),
  /** Frames (4th dimension); 1 for a 3-D volume. */
  frames: z.number().int().positive(),
  /** The frame read. */
  frame: z.number().int().nonnegative(),
  /** Of the scaled data (scl_slope, scl_inter applied). */
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  description: z.string(),
})
export type VolumeInfo = z.infer<typeof volumeInfoSchema>

export const labelEntrySchema = z.object({
  label: z.number().int(),
  name: z.string(),
  color: rgb,
  voxels: z.number().int().nonnegative(),
  volumeMl: z.number().nonnegative(),
})
export type LabelEntry = z.infer<typeof labelEntrySchema>

export const openVolumeSchema = z.object({
  /** Handle for the other mri.* methods and resources; valid until mri.close or the app stops. */
  id: z.string(),
  path: z.string(),
  name: z.string(),
  kind: z.enum(['image', 'labels']),
  info: volumeInfoSchema,
  /**
   * The grid the viewer gets: the volume reoriented to RAS+ exactly (axes permuted and flipped, never
   * resampled), so display index x grows to the Right, y Anterior, z Superior.
   */
  display: z.object({
    dims: intVec3,
    /** Display index to world mm. */
    affine: mat4,
    /**
     * Native index along native axis a = axes[a] of the display index, flipped (n - 1 - v) where flip[a].
     * A label map opened on a reference image's grid carries the reference's mapping.
     */
    toNative: z.object({ axes: z.tuple([z.number().int(), z.number().int(), z.number().int()]), flip: z.tuple([z.boolean(), z.boolean(), z.boolean()]) }),
    /** `res/mri/<id>/voxels`: little-endian float32 (images) or int32 (labels), display order, x fastest. */
    voxels: z.string(),
    voxelType: z.enum(['float32', 'int32']),
    /** A starting window: the 1st and 99th percentiles of the non-zero voxels. */
    window: z.object({ low: z.number(), high: z.number() }),
  }),
  /** Label maps: every label present (0, the background, excluded), with its name and colour. */
  labels: z.array(labelEntrySchema).optional(),
})
export type OpenVolume = z.infer<typeof openVolumeSchema>

/**
 * Besides the resources named below, `POST res/mri/import?name=<file name>` takes a dropped .nii/.nii.gz
 * (a browser's File has no path), keeps it in the workspace's datasets/uploads/ and answers JSON {path}
 * for mri.open.
 */
export const meshSummarySchema = z.object({
  label: z.number().int(),
  vertices: z.number().int().nonnegative(),
  triangles: z.number().int().nonnegative(),
  /**
   * `res/mri/<id>/mesh/<label>`: little-endian uint32 vertex count V, uint32 triangle count T, then
   * V x 3 float32 positions (world mm, RAS+), V x 3 float32 normals, T x 3 uint32 indices.
   */
  url: z.string(),
})
export type MeshSummary = z.infer<typeof meshSummarySchema>

export const diceEntrySchema = z.object({
  label: z.number().int(),
  name: z.string(),
  /** 2|A∩B| / (|A| + |B|); null when the label is in neither. */
  dice: z.number().min(0).max(1).nullable(),
  voxelsA: z.number().int().nonnegative(),
  voxelsB: z.number().int().nonnegative(),
})
export type DiceEntry = z.infer<typeof diceEntrySchema>

export const diceResultSchema = z.object({
  labels: z.array(diceEntrySchema),
  /** Mean over labels present in either map. */
  meanDice: z.number().min(0).max(1).nullable(),
})
export type DiceResult = z.infer<typeof diceResultSchema>

export const recentVolumeSchema = z.object({ path: z.string(), name: z.string(), kind: z.enum(['image', 'labels']), openedAt: z.string() })
export type RecentVolume = z.infer<typeof recentVolumeSchema>

const volumeId = z.object({ id: z.string().min(1) })

/** An 'mri-segmentation' model package the MRI workspace can segment with (installed or bundled). */
export const segmentationModelSchema = z.object({
  /** The installed package's id, or bundled/<name> for one that ships with the app. */
  id: z.string(),
  name: z.string(),
  bundled: z.boolean(),
  /** Label names in output order; index 0 is the background. */
  labels: z.array(z.string()),
  /** The model's cube [d, h, w] in voxels (z, y, x) and its voxel size along x, y, z in mm; null when model.json does not say. */
  patch: intVec3.nullable(),
  spacingMm: vec3.nullable(),
  provenance: modelProvenanceSchema,
  /** Why this package cannot segment as it is (its model.json does not fit the contract); null when it can. */
  problem: z.string().nullable(),
})
export type SegmentationModelInfo = z.infer<typeof segmentationModelSchema>

export const segmentResultSchema = z.object({
  /** The label map, open as if read from a file (on the image's grid): overlay, structure table, surfaces, Dice, export. */
  labels: openVolumeSchema,
  confidence: z.object({
    /**
     * `res/mri/<labels id>/confidence`: little-endian float32 per display voxel (the label map's display grid),
     * the model's top probability for the label it gave; 0 where the model did not look (outside its cube).
     */
    voxels: z.string(),
    /** Of the voxels the model saw. */
    min: z.number(),
    mean: z.number(),
  }),
  model: z.object({ id: z.string(), name: z.string() }),
  /** Every structure of the model (background left out), 0 voxels when absent, in label order. */
  structures: z.array(z.object({ label: z.number().int(), name: z.string(), voxels: z.number().int().nonnegative(), volumeMl: z.number().nonnegative() })),
  /** The image's frame that was segmented. */
  frame: z.number().int().nonnegative(),
  seconds: z.number(),
  /** Where Save writes by default: beside the image, <image name>-segmentation.nii.gz. */
  suggestedPath: z.string(),
})
export type SegmentResult = z.infer<typeof segmentResultSchema>

export const mriMethods = {
  'mri.open': {
    description: 'Read a NIfTI volume (.nii, .nii.gz, .hdr/.img) or a DICOM series folder and keep it open for viewing.',
    input: z
      .object({
        path: z.string().min(1),
        kind: z.enum(['image', 'labels']).default('image'),
        /** 4-D files: the frame to read (default 0). */
        frame: z.number().int().nonnegative().optional(),
        /** DICOM folders holding several series: the SeriesInstanceUID to read. */
        series: z.string().optional(),
        /** Label maps: a colour table (ITK-SNAP label description, FreeSurfer LUT, CSV or JSON). */
        lut: z.string().optional(),
        /**
         * Label maps: an open image (its id) whose display grid the overlay is shown on, resampled by nearest
         * neighbour through world coordinates (an atlas on another grid than the scan). Volumes and Dice are
         * still measured on the label map's own grid.
         */
        reference: z.string().optional(),
      })
      .strict(),
    output: openVolumeSchema,
  },
  'mri.series': {
    description: 'The DICOM series in a folder (to let the user choose one).',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: z.array(z.object({ uid: z.string(), description: z.string(), modality: z.string(), slices: z.number().int(), rows: z.number().int(), columns: z.number().int() })),
  },
  'mri.close': {
    description: 'Release an open volume.',
    input: volumeId.strict(),
    output: z.object({ closed: z.boolean() }),
  },
  'mri.meshes': {
    description: 'Surfaces of the labels of an open label map (marching cubes, smoothed, simplified), built in a worker; mri.cancelMeshes stops it.',
    /** The defaults repeat main/imaging/mesh's (the contract imports no layer below it); a test keeps them equal. */
    input: volumeId.extend({ labels: z.array(z.number().int()).optional(), smoothing: z.number().int().min(0).max(50).default(30), reduction: z.number().min(0).max(0.99).default(0.25) }).strict(),
    output: z.object({ meshes: z.array(meshSummarySchema), seconds: z.number() }),
  },
  'mri.cancelMeshes': {
    description: 'Stop the surfaces being built for a label map (its mri.meshes calls fail with CANCELLED); surfaces already built stay.',
    input: volumeId.strict(),
    output: z.object({ cancelled: z.number().int().nonnegative() }),
  },
  'mri.dice': {
    description: 'Per-label Dice overlap of two open label maps on the same grid.',
    input: z.object({ a: z.string().min(1), b: z.string().min(1) }).strict(),
    output: diceResultSchema,
  },
  'mri.exportLabels': {
    description: 'Write an open label map as .nii.gz on its native grid, header geometry kept; atomic.',
    input: volumeId.extend({ path: z.string().min(1) }).strict(),
    output: z.object({ path: z.string() }),
  },
  'mri.exportMeshes': {
    description: 'Write label surfaces as STL or OBJ files into a folder, one per label; atomic.',
    input: volumeId.extend({ dir: z.string().min(1), format: z.enum(['stl', 'obj']).default('stl'), labels: z.array(z.number().int()).optional() }).strict(),
    output: z.object({ files: z.array(z.string()) }),
  },
  'mri.recent': {
    description: 'Volumes opened lately, newest first.',
    input: z.object({}).strict(),
    output: z.array(recentVolumeSchema),
  },
  'mri.segmentationModels': {
    description: "The brain segmentation models (task 'mri-segmentation') installed in the workspace or bundled with the app.",
    input: z.object({}).strict(),
    output: z.array(segmentationModelSchema),
  },
  'mri.segment': {
    description:
      'Segment an open image with a segmentation model, in a worker with mri.progress events (task "segment", target the image id); the label map opens on the image grid with a confidence map. mri.cancelSegment stops it; nothing is written.',
    input: volumeId
      .extend({
        /** An id from mri.segmentationModels. */
        model: z.string().min(1),
        /** 4-D series: the frame to segment (default: the frame the viewer shows, which must then be chosen here). */
        frame: z.number().int().nonnegative().optional(),
      })
      .strict(),
    output: segmentResultSchema,
  },
  'mri.cancelSegment': {
    description: 'Stop the segmentation of an open image (its mri.segment call fails with CANCELLED and nothing opens or is written).',
    input: volumeId.strict(),
    output: z.object({ cancelled: z.number().int().nonnegative() }),
  },
  'mri.saveSegmentation': {
    description:
      'Write a segmentation (a label map made by mri.segment) as NIfTI on the image grid, its colour table beside it (<file>.nii.txt, ITK-SNAP labels, found again when the map is opened), and optionally its confidence map (<name>-confidence.nii.gz); atomic.',
    input: volumeId.extend({ path: z.string().min(1), confidence: z.boolean().default(false) }).strict(),
    output: z.object({ files: z.array(z.string()), labels: openVolumeSchema }),
  },
} as const
