/** DICOM series import: list the series of a folder, read one into a RAS+ volume. */
export { type DicomProgress, type DicomScanOptions, type DicomSeriesSummary, scanDicomFolder } from './folder-scan'
export { type DicomSeriesInfo, type DicomSeriesVolume, type ReadDicomSeriesOptions, readDicomSeries } from './series-volume'
