/**
 * One sidebar entry. `coming` names what is still being built there and `placeholder` marks a workspace
 * where nothing works yet: the sidebar and the page say so plainly, so the app never claims a tool it lacks.
 */
export interface WorkspaceEntry {
  id: string
  path: string
  label: string
  summary: string
  coming?: string
  placeholder?: boolean
}

/** The six workspaces, in sidebar order; Ctrl/Alt+N opens the Nth. */
export const workspaces = [
  { id: 'sound', path: '/sound', label: 'Sound', summary: 'Waveform editor and environmental sound classification' },
  { id: 'speech', path: '/speech', label: 'Speech', summary: 'Text-to-speech with DNN voices, MUSHRA listening tests, and audio-visual speech enhancement' },
  { id: 'mri', path: '/mri', label: 'MRI', summary: 'Brain MRI viewer: slices, labels, 3D surfaces, Dice, segmentation into 19 structures with the bundled model or one you train or import' },
  { id: 'faces', path: '/faces', label: 'Faces', summary: 'Face gallery with face detection and eye alignment, and low-resolution face recognition' },
  { id: 'runs', path: '/runs', label: 'Runs', summary: 'Training runs' },
  { id: 'models', path: '/models', label: 'Models', summary: 'Installed model packages' },
] as const satisfies readonly WorkspaceEntry[]

/** The sidebar's tooltip: the summary, and what is still coming. */
export function workspaceTitle(workspace: WorkspaceEntry): string {
  return workspace.coming ? `${workspace.summary} (coming: ${workspace.coming})` : workspace.summary
}

export type Workspace = (typeof workspaces)[number]
export type WorkspaceId = Workspace['id']
