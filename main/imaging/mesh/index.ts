/** Label surfaces: marching cubes, Taubin smoothing, simplification, and the STL / OBJ / viewer writers. */
export {
  emptyMesh,
  meshArea,
  meshVolumeMm3,
  triangleCount,
  vertexCount,
  vertexNormals,
  withNormals,
  type Geometry,
  type Mesh,
} from './mesh'
export { labelBounds, type LabelBounds, type VoxelBox } from './label-bounds'
export { marchingCubes, marchingCubesGeometry } from './marching-cubes'
export { smoothGeometry, taubinSmooth, type TaubinOptions } from './taubin-smooth'
export { maxReduction, removeFins, simplifyGeometry, simplifyMesh, type SimplifyOptions } from './simplify-mesh'
export {
  defaultReduction,
  defaultSmoothIterations,
  labelSurface,
  labelSurfaces,
  presentLabels,
  type LabelSurface,
  type SurfaceOptions,
  type SurfaceProgress,
} from './label-surface'
export { meshToStl } from './mesh-stl'
export { meshToObj } from './mesh-obj'
export { meshFromBuffer, meshToBuffer } from './mesh-buffer'
