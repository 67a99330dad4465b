// The reliability suite (`npm run test:reliability`): upstream faults, crashes, store outages, bad input
// and secrets. Too slow for `npm test` (several minutes: a 30-s PostgreSQL outage, thousands of entities
// through injected faults), so its files are named *.reliability.ts, which the default include
// (test/**/*.test.ts) does not match. Files run one at a time: they start and stop servers and time
// crashes, and the machine's two CPUs are better spent on one of them than shared.

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.reliability.ts'],
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
