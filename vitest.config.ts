import { defineConfig } from 'vitest/config';

// Forks, not threads: libasound and PortAudio read the environment at open time, and several
// integration tests spawn the built CLI, so each test file gets a process of its own.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line.
    reporters: ['default', ['json', { outputFile: '.cache/vitest-report.json' }]],
  },
});
