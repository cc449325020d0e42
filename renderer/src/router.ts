import type { Component } from 'vue'
import { createRouter, createWebHashHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import FacesView from './workspaces/faces/FacesView.vue'
import ModelsView from './workspaces/models/ModelsView.vue'
import MriView from './workspaces/mri/MriView.vue'
import RunsView from './workspaces/runs/RunsView.vue'
import SoundView from './workspaces/sound/SoundView.vue'
import SpeechView from './workspaces/speech/SpeechView.vue'
import { workspaces, type WorkspaceId } from './shell/workspaces'

const views: Record<WorkspaceId, Component> = {
  sound: SoundView,
  speech: SpeechView,
  mri: MriView,
  faces: FacesView,
  runs: RunsView,
  models: ModelsView,
}

export const routes: RouteRecordRaw[] = [
  ...workspaces.map(
    (workspace): RouteRecordRaw => ({
      path: workspace.path,
      name: workspace.id,
      component: views[workspace.id],
      meta: { title: workspace.label },
    }),
  ),
  { path: '/:pathMatch(.*)*', redirect: '/sound' },
]

/**
 * Hash history: the page is one file under app:// (Electron) or `/` (percept serve), so the route lives
 * after the `#` and no server needs to know it.
 */
export function createAppRouter(history: RouterHistory = createWebHashHistory()) {
  return createRouter({ history, routes, linkActiveClass: 'is-active', linkExactActiveClass: 'is-exact-active' })
}
