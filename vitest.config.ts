import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// unit: fast, in-process; integration: real SQLite, sockets and child processes;
// e2e: the built app in Debian's Chromium (needs `npm run build` first).
export default defineConfig({
  plugins: [vue()],
  test: {
    env: { PERCEPT_QUIET: '1' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
