import { describe, expect, it } from 'vitest'
import { RouterView } from 'vue-router'
import type { JobDetail, JobSummary } from '../../../main/api'
import ConfirmDialog from '../../../renderer/src/components/ConfirmDialog.vue'
import FileBrowserDialog from '../../../renderer/src/shell/FileBrowserDialog.vue'
import ModelCheckReport from '../../../renderer/src/workspaces/models/components/ModelCheckReport.vue'
import { useJobsStore } from '../../../renderer/src/stores/jobs'
import { useModelsStore } from '../../../renderer/src/workspaces/models/stores/models'
import { useRunDetailStore } from '../../../renderer/src/workspaces/runs/stores/run-detail'
import { modelSummary } from './model-fixtures'
import { renderWithApp, textOf as text } from './ssr-render'

// The pages rendered to HTML by Vue's server renderer with prepared stores: what a page shows for given data.

const render = renderWithApp

function job(id: string, state: JobSummary['state'], extra: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    kind: 'demo.train',
    title: 'Demo training',
    state,
    fraction: state === 'done' ? 1 : 0.35,
    stage: state === 'running' ? 'epoch 7/20' : state,
    etaSeconds: state === 'running' ? 7 : null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:01:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: state === 'done' ? '2026-01-01T00:01:00Z' : null,
    ...extra,
  }
}

describe('Runs page', () => {
  it('explains itself when there are no runs and offers a labelled demo', async () => {
    const html = await render(RouterView, '/runs')
    expect(text(html)).toContain('No training runs yet')
    expect(html).toMatch(/data-testid="new-demo-training"[^>]*>[\s\S]*?Demo[\s\S]*?New demo training/)
  })

  it('lists runs with state badges, progress, stage and time left, the open one marked', async () => {
    const html = await render(RouterView, '/runs', () => {
      const jobs = useJobsStore()
      jobs.applyProgress(job('job-b', 'running', { createdAt: '2026-01-01T00:00:02Z' }))
      jobs.applyProgress(job('job-a', 'cancelled'))
      useRunDetailStore().selectedId = 'job-b'
    })
    const rows = [...html.matchAll(/<tr[^>]*data-testid="run-row"[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => text(row[1] ?? ''))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatch(/^Demo training job-b Running 35% epoch 7\/20 7 s /)
    expect(rows[1]).toMatch(/^Demo training job-a Cancelled 35% cancelled — /)
    expect(html).toMatch(/<button[^>]*tabindex="0"[^>]*aria-current="true"[^>]*>\s*<span[^>]*>Demo training<\/span>\s*<span[^>]*>job-b/)
    expect(html).toMatch(/<progress[^>]*aria-label="Demo training job-b progress"/)
  })

  it('shows the open run: actions for its state, metrics charts, config, result and log', async () => {
    const detail: JobDetail = {
      ...job('job-b', 'running'),
      input: { epochs: 20, seed: 7 },
      result: null,
      error: null,
      resumable: true,
      attempts: 1,
      checkpointEpoch: 6,
      checkpoint: 'epoch 6 of 20',
      startedAt: '2026-01-01T00:00:01Z',
      finishedAt: null,
    }
    const html = await render(RouterView, '/runs', () => {
      useJobsStore().applyProgress(job('job-b', 'running'))
      const run = useRunDetailStore()
      run.selectedId = 'job-b'
      run.detail = detail
      run.series = [
        { name: 'loss', scope: 'step', points: [{ epoch: 1, step: 1, value: 0.7, time: '' }, { epoch: 1, step: 2, value: 0.6, time: '' }] },
        { name: 'accuracy', scope: 'step', points: [{ epoch: 1, step: 1, value: 0.5, time: '' }] },
      ]
      run.logs = [{ seq: 1, time: '2026-01-01T00:00:01Z', level: 'info', message: 'training from scratch' }]
    })
    const detailHtml = /data-testid="run-detail"[^>]*>([\s\S]*)$/.exec(html)?.[1] ?? ''
    expect(text(detailHtml)).toMatch(/^Demo training job-b Running Cancel run 35% epoch 7\/20 7 s left/)
    expect(detailHtml).not.toContain('Resume')
    expect(text(detailHtml)).toContain('Checkpoint epoch 6 of 20')
    expect(detailHtml).toMatch(/role="img" aria-label="Chart of loss per step\. loss: 2 points, last 0\.6\."/)
    expect(detailHtml).toMatch(/role="img" aria-label="Chart of accuracy per step\. accuracy: 1 point, last 0\.5\."/)
    expect(detailHtml).toMatch(/data-testid="run-config"[^>]*>\{\n {2}&quot;epochs&quot;: 20,\n {2}&quot;seed&quot;: 7\n\}</)
    expect(text(detailHtml)).toContain('The result appears when the run is done.')
    expect(detailHtml).toMatch(/role="log" aria-label="Log of Demo training job-b"/)
    expect(text(detailHtml)).toContain('info training from scratch')
  })
})

describe('Models page', () => {
  it('explains itself without models', async () => {
    const html = await render(RouterView, '/models')
    expect(text(html)).toContain('No model packages installed')
    expect(html).toMatch(/<button[^>]*data-testid="import-model"[^>]*>Import…<\/button>/)
  })

  it('shows each package: name, task, inputs and outputs with shapes, labels, provenance with a run link, metrics, actions', async () => {
    const html = await render(RouterView, '/models', () => {
      useModelsStore().models = [
        modelSummary('demo-circle', { description: 'Inside the circle?', provenance: { createdAt: '2026-01-01T00:00:00Z', runId: 'job-1', dataset: 'demo circle, seed 42', metrics: { loss: 0.31, accuracy: 0.9 } } }),
        modelSummary('urban-cnn', { task: 'sound-classification', labels: ['siren', 'drill', 'dog'], inputs: [{ name: 'mel', shape: ['N', 128, 40, 1], dtype: 'float32' }] }),
        {
          ...modelSummary('dilated-fixture', {
            task: 'sound-classification',
            provenance: { createdAt: '2026-01-01T00:00:00Z', metrics: { accuracy: 0.9, accuracy_std: 0 }, testExamples: 30, heldOutFolds: 1, synthetic: true },
          }),
          id: 'bundled/dilated-fixture',
          bundled: true,
        },
      ]
    })
    const cards = [...html.matchAll(/<article[^>]*data-testid="model-card"[^>]*>([\s\S]*?)<\/article>/g)].map((card) => card[0])
    expect(cards).toHaveLength(3)
    const [demo, urban, bundled] = cards.map(text)
    expect(demo).toMatch(/^demo-circle Generic Inside the circle\? Inputs x \[N, 2\] float32 Outputs p \[N, 1\] float32 Labels 1 label Dataset demo circle, seed 42 Trained in run job-1/)
    // Without the test figures, the accuracy claims nothing about what it was measured on; it is not repeated under Metrics.
    expect(demo).toContain('Accuracy 90% (what it was measured on is not recorded) Metrics loss 0.31')
    expect(demo).toContain('Check Export… Delete… Show model card')
    expect(cards[0]).toMatch(/<a[^>]*href="\/runs\?run=job-1"/)
    expect(urban).toMatch(/^urban-cnn Sound classification Inputs mel \[N, 128, 40, 1\] float32 .* Labels 3 labels/)
    // The bundled one comes after the workspace's own, marked, read-only, its accuracy saying on what.
    expect(bundled).toMatch(/^dilated-fixture Bundled Sound classification /)
    expect(bundled).toContain('Accuracy 90% on 30 synthetic clips (1 held-out fold) Metrics accuracy_std 0')
    expect(bundled).toContain('Check Export… Show model card')
    expect(cards[2]).toContain('data-bundled="true"')
  })

  it('renders a check report with timing, output shapes and finiteness', async () => {
    const html = await render(ModelCheckReport, '/models', undefined, {
      report: {
        ok: false,
        loadMs: 40,
        runMs: 3.2,
        inputs: [{ name: 'x', shape: [1, 2], dtype: 'float32' }],
        outputs: [{ name: 'p', shape: [1, 3], dtype: 'float32', finite: false, min: null, max: null, matchesDeclared: false }],
        problems: ['output p holds NaN'],
      },
    })
    expect(text(html)).toMatch(/^Check failed 1 problem; loaded in 40 ms, ran in 3\.2 ms output p holds NaN/)
    expect(text(html)).toContain('out p [1, 3] float32 no — … — no')
  })
})

describe('dialogs', () => {
  it('the file browser is a modal dialog named by its title with a listbox of entries', async () => {
    const html = await render(FileBrowserDialog, '/models', undefined, {
      title: 'Import a model package',
      mode: 'any',
      extensions: ['zip', 'json', 'onnx'],
      confirmLabel: 'Import',
      error: 'Not a model package: model.json is missing.',
    })
    const labelledBy = /role="dialog" aria-modal="true" aria-labelledby="([^"]+)"/.exec(html)?.[1]
    expect(labelledBy).toBeTruthy()
    expect(html).toMatch(new RegExp(`<h2 id="${labelledBy}" class="modal-title"[^>]*>Import a model package</h2>`))
    expect(html).toMatch(/role="listbox" tabindex="0" data-autofocus/)
    expect(html).toMatch(/<nav[^>]*aria-label="Places"/)
    expect(text(html)).toContain('Showing folders and .zip, .json, .onnx files')
    expect(html).toMatch(/role="alert"[^>]*data-testid="file-browser-error"[^>]*>Not a model package: model\.json is missing\.</)
  })

  it('a confirmation is an alert dialog whose safe choice takes the focus', async () => {
    const html = await render(ConfirmDialog, '/models', undefined, { title: 'Delete demo-circle?', confirmLabel: 'Delete model', danger: true })
    expect(html).toMatch(/role="alertdialog" aria-modal="true" aria-labelledby="[^"]+" aria-describedby="[^"]+"/)
    expect(html).toMatch(/<button type="button" class="button" data-autofocus[^>]*>Keep<\/button>/)
    expect(html).toMatch(/class="button-danger button"[^>]*>\s*Delete model\s*<\/button>/)
  })
})
