// `factsync demo`: the offline demo — the same sync over the local store, against the fake Wikimedia
// started in this process, into its own store (data/demo.db) and Redis prefix, so it never mixes with
// real runs. The fake (dev/fake-wikimedia) is loaded at run time: it ships with a clone of the
// repository, not with the npm package or the production image.

import path from 'node:path';
import type { Command } from 'commander';
import { storeScope } from '../jobs/store-scope.js';
import { syncNow } from '../jobs/sync.js';
import { configOf } from './context.js';
import { nextSteps, sampleReview } from './demo-next.js';
import { loadFakeWikimedia } from './dev-tool.js';
import { printLines, writeErr } from './output.js';
import { withRuntimeFor } from './runtime-context.js';
import { summary } from './sync.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('offline demo: sync the local store against the fake Wikimedia (no network needed)')
    .option('--latency <ms>', 'latency the fake adds to each answer', '0')
    .action(async (options: { latency: string }, command: Command) => {
      const base = configOf(command);
      const { startFakeWikimedia } = await loadFakeWikimedia('demo');
      const fake = await startFakeWikimedia({ latencyMs: Number(options.latency) || 0 });
      writeErr(
        `fake Wikimedia at ${fake.url} (${fake.fixtures.items} items from ${fake.fixtures.files.length} fixture files)\n`,
      );
      try {
        const config = {
          ...base,
          redis: { ...base.redis, prefix: `${storeScope(base).shared}-demo` },
          wikidata: { ...base.wikidata, url: fake.wikidataUrl },
          wikipedia: { ...base.wikipedia, url: fake.wikipediaUrl },
          http: {
            ...base.http,
            userAgent: `factsync-demo/${base.http.userAgent.split(' ')[0]?.split('/')[1] ?? '0'} (offline demo)`,
            // The fake on loopback, not Wikimedia: no hourly budget to keep to.
            budgetPerHour: 10_000_000,
          },
          store: {
            ...base.store,
            kind: 'sqlite' as const,
            path: path.join(path.dirname(base.store.path), 'demo.db'),
          },
        };
        await withRuntimeFor(config, { embedded: true, longRunning: false }, async (runtime) => {
          const result = await syncNow(runtime, { trigger: 'one-off', full: true });
          const { proposals } = await runtime.store.list({ status: ['open'] }, { limit: 10_000 });
          await printLines(
            ...summary(result.run, result.reports),
            ...nextSteps({ storePath: config.store.path, sample: sampleReview(proposals) }),
          );
        });
      } finally {
        await fake.close();
      }
    });
}
