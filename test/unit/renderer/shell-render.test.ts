import { describe, expect, it } from 'vitest'
import type { Component } from 'vue'
import { RouterView } from 'vue-router'
import type { AppInfo } from '../../../main/api'
import { ApiError } from '../../../renderer/src/api/client'
import AppSidebar from '../../../renderer/src/shell/AppSidebar.vue'
import ErrorBanner from '../../../renderer/src/shell/ErrorBanner.vue'
import StatusBar from '../../../renderer/src/shell/StatusBar.vue'
import ThemeToggle from '../../../renderer/src/shell/ThemeToggle.vue'
import { useAppStore } from '../../../renderer/src/stores/app'
import { useJobsStore } from '../../../renderer/src/stores/jobs'
import { workspaces } from '../../../renderer/src/shell/workspaces'
import { renderWithApp, textOf as text } from './ssr-render'

// The components rendered to HTML on the server side of Vue: no DOM needed, the markup is what a page gets.

const info: AppInfo = {
  name: 'Percept Workbench',
  version: '0.1.0',
  node: '20.19.0',
  electron: null,
  onnxruntime: '1.30.0',
  tfBackends: ['wasm', 'cpu'],
  tfBackend: 'wasm',
  workspace: '/home/ada/.percept',
  door: 'web',
}

const render = (component: Component, path = '/sound', prepare?: () => void) => renderWithApp(component, path, prepare)

describe('AppSidebar', () => {
  it('is a navigation named Workspaces with one link per workspace, the current one marked', async () => {
    const html = await render(AppSidebar, '/mri')
    expect(html).toMatch(/<nav[^>]*aria-label="Workspaces"/)
    const links = [...html.matchAll(/<a([^>]*)>([\s\S]*?)<\/a>/g)]
    // A workspace where nothing works yet would carry a "coming" mark (hidden from screen readers); none does now.
    expect(links.map((link) => text(link[2] ?? ''))).toEqual(['Sound', 'Speech', 'MRI', 'Faces', 'Runs', 'Models'])
    expect(links.map((link) => /href="([^"]+)"/.exec(link[1] ?? '')?.[1])).toEqual(workspaces.map((w) => w.path)) // memory history here; hash history in the app
    const current = links.filter((link) => (link[1] ?? '').includes('aria-current="page"'))
    expect(current.map((link) => text(link[2] ?? ''))).toEqual(['MRI'])
    expect(links.every((link) => (link[2] ?? '').includes('<svg'))).toBe(true)
  })
})

describe('StatusBar', () => {
  it('shows the backends, the running jobs and the connection', async () => {
    const html = await render(StatusBar, '/sound', () => {
      useAppStore().info = info
      useJobsStore().applyProgress({
        id: 'j1',
        kind: 'sound.train',
        title: 'dilated cross-validation',
        state: 'running',
        fraction: 0.3,
        stage: 'epoch 3',
        etaSeconds: 40,
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:01Z',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: null,
      })
    })
    expect(html).toMatch(/role="status"/)
    expect(html).toMatch(/data-testid="status-backends"[^>]*>TF\.js: wasm \(wasm, cpu\) · ONNX Runtime 1\.30\.0</)
    expect(html).toMatch(/data-testid="status-jobs"[^>]*>1 job running</)
    expect(text(html)).toContain('Connected')
  })
})

describe('ThemeToggle and ErrorBanner', () => {
  it('the toggle is a button named "Toggle theme" that shows its preference', async () => {
    const html = await render(ThemeToggle)
    expect(html).toMatch(/<button[^>]*aria-label="Toggle theme"/)
    expect(html).toMatch(/data-theme-preference="system"/)
  })

  it('the banner shows code and message with a dismiss button, and nothing without an error', async () => {
    expect(text(await render(ErrorBanner))).toBe('')
    const html = await render(ErrorBanner, '/sound', () =>
      useAppStore().report(new ApiError('WORKSPACE_LOCKED', 'Another Percept instance holds the workspace.', 'jobs.list')),
    )
    expect(html).toMatch(/role="alert"/)
    expect(text(html)).toContain('WORKSPACE_LOCKED Another Percept instance holds the workspace.')
    expect(html).toMatch(/<button[^>]*aria-label="Dismiss error"/)
  })
})

describe('workspace pages', () => {
  it.each(workspaces.map((w) => [w.label, w.path] as const))('%s has its heading and explains itself', async (label, path) => {
    const page = await render(RouterView, path)
    expect(page).toMatch(new RegExp(`<h1[^>]*>${label}</h1>`))
    expect(text(page).length).toBeGreaterThan(120)
  })

  it('an unknown route redirects to Sound', async () => {
    const page = await render(RouterView, '/nowhere')
    expect(page).toMatch(/<h1[^>]*>Sound<\/h1>/)
  })
})
