/** The six workspaces, in sidebar order; Ctrl/Alt+N opens the Nth. */
export const workspaces = [
  { id: 'sound', path: '/sound', label: 'Sound', summary: 'Environmental sound classification' },
  { id: 'speech', path: '/speech', label: 'Speech', summary: 'Speech synthesis and enhancement' },
  { id: 'mri', path: '/mri', label: 'MRI', summary: 'Brain volume segmentation' },
  { id: 'faces', path: '/faces', label: 'Faces', summary: 'Low-resolution face recognition' },
  { id: 'runs', path: '/runs', label: 'Runs', summary: 'Training runs' },
  { id: 'models', path: '/models', label: 'Models', summary: 'Installed model packages' },
] as const

export type Workspace = (typeof workspaces)[number]
export type WorkspaceId = Workspace['id']
