/** The Faces workspace's views. */
export type FacesTab = 'gallery' | 'inbox' | 'identify' | 'evaluate'
