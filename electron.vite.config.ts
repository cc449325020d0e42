import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'

// One build for all three doors: the Electron main (which also carries the CLI and web door entry),
// the sandboxed preload (must be CommonJS) and the Vue renderer.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('electron/main.ts'),
          cli: resolve('main/app/cli.ts'),
          // Job worker threads start from this file (out/main/job-worker.js); see main/core/jobs/worker-entry.ts.
          'job-worker': resolve('main/app/job-worker.ts'),
          // Threads that open sounds for the editor (out/main/audio-worker.js).
          'audio-worker': resolve('main/app/audio-worker.ts'),
          // Threads that read volumes and build label surfaces (out/main/mri-worker.js).
          'mri-worker': resolve('main/app/mri-worker.ts'),
          // Threads that compute a training job's features (out/main/feature-worker.js).
          'feature-worker': resolve('main/app/feature-worker.ts'),
          // Threads that crop lips from full-face video frames with the face-landmark model (out/main/lips-worker.js).
          'lips-worker': resolve('main/enhance/corpus/lips-worker.ts'),
          // The speech vocoder's thread, which makes one sentence's waveform while the next one's networks run (out/main/vocoder-worker.js).
          'vocoder-worker': resolve('main/tts/vocoder/vocoder-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    build: {
      rollupOptions: { input: resolve('renderer/index.html') },
    },
    plugins: [vue()],
  },
})
