// `factsync serve` in-process for a browser test: port 0 on loopback, a real SQLite store in a temp
// folder (seeded through `reconcile`, as runs fill it), a real Redis under a prefix of its own, and a
// token. `close()` stops the server and removes everything it made.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import type { Config } from '../../src/config.js';
import { connectRedis } from '../../src/jobs/runtime.js';
import { openLocalSource } from '../../src/local/read/index.js';
import { createLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { openStore } from '../../src/sinks/open-store.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import { testConfig } from '../support/config.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../support/redis.js';
import { ROOT } from '../support/spawn.js';

export const TOKEN = 'browser-test-token-0123456789abcdef';

export interface Served {
  readonly url: string;
  readonly server: RunningServer;
  close(): Promise<void>;
}

/** Serves the given store and Redis (the caller owns them). */
export async function serve(config: Config, store: ProposalStore, redis: Redis): Promise<Served> {
  const local = await openLocalSource(config);
  const server = await startServer(
    { config, log: createLogger('error'), store, redis, local },
    { port: 0, host: '127.0.0.1' },
  );
  return { url: server.url, server, close: () => server.close() };
}

export interface SeededServe extends Served {
  readonly config: Config;
  readonly store: ProposalStore;
  readonly redis: Redis;
  readonly prefix: string;
}

/** A server over a fresh store (seed it through `store`) and the example cards, read only. */
export async function seededServe(
  name: string,
  overrides: Record<string, unknown> = {},
): Promise<SeededServe> {
  const dir = mkdtempSync(path.join(tmpdir(), `factsync-serve-${name}-`));
  const prefix = testPrefix(name);
  const config = testConfig({
    'redis.url': REDIS_URL,
    'redis.prefix': prefix,
    'store.path': path.join(dir, 'factsync.db'),
    'reports.dir': path.join(dir, 'reports'),
    'local.path': path.join(ROOT, 'examples', 'cards'),
    'serve.token': TOKEN,
    ...overrides,
  });
  const store = await openStore(config);
  const redis = connectRedis(config.redis);
  const served = await serve(config, store, redis);
  return {
    ...served,
    config,
    store,
    redis,
    prefix,
    async close() {
      await served.close();
      await store.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs the page's browser in through the /login form. */
export async function signIn(page: Page, url: string, token = TOKEN): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL(`${url}/proposals`), page.click('button:has-text("Sign in")')]);
}

/** The ids of the proposal rows on the page, in order. */
export function rowIds(page: Page): Promise<string[]> {
  return page.$$eval('table.proposals tbody tr', (rows) =>
    rows.map((row) => row.getAttribute('data-id') ?? ''),
  );
}
