// Three projects, run together by `npm test` and each alone by `vitest run --project NAME`:
// - unit: pure code on plain data (test/unit, and dev/*/test/unit: the dev tools' own), no Redis, no
//   PostgreSQL, no dist/ — so no build, and it also runs on the other Node line in .ci/run.
// - integration: real Redis, PostgreSQL and the fake Wikimedia over loopback (test/integration, and
//   dev/*/test/integration); the CLI tests there run the built bin, so this project builds dist/ and
//   dev/fake-wikimedia/dist/ first (FACTSYNC_SKIP_BUILD=1 skips it).
// - browser: the review page in Debian's Chromium (test/browser); the server runs in-process from the
//   sources, so it needs Redis but not dist/.
// The reliability suite keeps its own config (test/reliability/vitest.config.ts).

import { defineConfig } from 'vitest/config';

// Room for a loaded two-core machine: servers, stores and workers start in hooks.
const timeouts = { testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'dev/*/test/unit/**/*.test.ts'],
          ...timeouts,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'dev/*/test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          ...timeouts,
        },
      },
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], ...timeouts } },
    ],
  },
});
