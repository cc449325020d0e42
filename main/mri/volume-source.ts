import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { VolumeInfo } from '../api'
import { PerceptError } from '../core/errors'
import { readDicomSeries } from '../imaging/dicom'
import { readNifti } from '../imaging/nifti'
import { orientationCode } from '../imaging/orientation'
import { volumeStats } from '../imaging/volume-stats'
import { voxelSize, type Volume } from '../imaging/volume'

export interface VolumeSourceOptions {
  /** 4-D NIfTI: the frame to read. */
  frame?: number
  /** DICOM folders holding several series: the SeriesInstanceUID. */
  series?: string
}

export interface LoadedVolume {
  volume: Volume
  info: VolumeInfo
}

/**
 * A volume from a NIfTI file (.nii, .nii.gz, .hdr/.img) or a folder of DICOM files, with the facts
 * `percept mri info` prints: geometry as stored and statistics of the scaled values.
 */
export async function loadVolume(path: string, options: VolumeSourceOptions = {}): Promise<LoadedVolume> {
  const entry = await stat(path).catch(() => {
    throw new PerceptError('NOT_FOUND', `No file or folder at ${path}: check the path.`)
  })
  if (entry.isDirectory()) {
    const { volume, info } = await readDicomSeries(path, options.series === undefined ? {} : { series: options.series })
    return {
      volume,
      info: describe(volume, {
        format: 'dicom',
        affineSource: 'dicom',
        sformCode: 0,
        qformCode: 0,
        frames: 1,
        frame: 0,
        description: [info.modality, info.description].filter(Boolean).join(' ') || basename(path),
      }),
    }
  }
  const { volume, header } = await readNifti(path, options.frame === undefined ? {} : { frame: options.frame })
  return {
    volume,
    info: describe(volume, {
      format: header.format,
      affineSource: header.affineSource,
      sformCode: header.sformCode,
      qformCode: header.qformCode,
      frames: header.frames,
      frame: header.frame,
      description: header.description,
    }),
  }
}

function describe(volume: Volume, header: Omit<VolumeInfo, 'dims' | 'voxelSize' | 'datatype' | 'affine' | 'orientation' | 'min' | 'max' | 'mean'>): VolumeInfo {
  const stats = volumeStats(volume)
  return {
    ...header,
    dims: [...volume.dims],
    voxelSize: voxelSize(volume.affine),
    datatype: volume.datatype,
    affine: [...volume.affine],
    orientation: orientationCode(volume.affine),
    min: stats.min,
    max: stats.max,
    mean: stats.mean,
  }
}
