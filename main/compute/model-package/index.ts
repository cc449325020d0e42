/** Model packages: folders of model.onnx + model.json + card.md, written, read, imported, exported and checked. */
export {
  MODEL_FILE,
  META_FILE,
  CARD_FILE,
  writeModelPackage,
  readModelPackage,
  listModelPackages,
  parseModelMeta,
  parseModelMetaText,
  defaultModelCard,
} from './package-files'
export type { ModelPackage, ModelPackageContents } from './package-files'
export {
  importModelPackage,
  exportModelPackage,
  exportModelPackageFolder,
  checkPackageFolderTarget,
  safePackageName,
  unpackPackageZip,
} from './package-import'
export type { ImportOptions, ImportedModel } from './package-import'
export { verifyModelAgainstMeta, metaMismatches } from './package-verify'
export { checkModelPackage } from './package-check'
export type { CheckOptions } from './package-check'
export { ModelLibrary } from './model-library'
export { bundledIdPrefix, listBundledPackages } from './bundled-packages'
export { openModelChoice } from './package-choice'
export type { ChosenModel } from './package-choice'
