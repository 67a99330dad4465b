// A whole factsync installation for a test: the example cards copied to a temp folder, a SQLite store,
// reports, the fake Wikimedia, and a Redis prefix of its own.

import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { type FakeWikimedia, startFakeWikimedia } from '../../src/dev/fake-wikimedia/index.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { createLogger } from '../../src/log.js';
import { ROOT } from './cli.js';
import { connectRedis, dropPrefix, REDIS_URL, testPrefix } from './redis.js';

/** The settings of a test install against the fake: its URLs, a private prefix, a budget out of the way. */
export function fakeSettings(fake: FakeWikimedia, prefix: string): Record<string, unknown> {
  return {
    'redis.url': REDIS_URL,
    'redis.prefix': prefix,
    'wikidata.url': fake.wikidataUrl,
    'wikipedia.url': fake.wikipediaUrl,
    'http.userAgent': 'factsync-tests/1.0 (tests@example.org)',
    'http.ratePerSecond': 1000,
    'http.budgetPerHour': 10_000_000,
    'http.concurrency': 4,
  };
}

export interface TestInstall {
  dir: string;
  /** A --config file with the install's store, reports and worker settings (the rest is in `env`). */
  configFile: string;
  cards: string;
  config: Config;
  fake: FakeWikimedia;
  runtime: Runtime;
  /** Environment variables that point the CLI at this installation. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function testInstall(
  name: string,
  overrides: Record<string, unknown> = {},
  options: { readonly fixturesDir?: string } = {},
): Promise<TestInstall> {
  const dir = mkdtempSync(path.join(tmpdir(), `factsync-${name}-`));
  const cards = path.join(dir, 'cards');
  cpSync(path.join(ROOT, 'examples', 'cards'), cards, { recursive: true });
  const fake = await startFakeWikimedia({
    seed: 11,
    ...(options.fixturesDir ? { fixturesDir: options.fixturesDir } : {}),
  });
  const prefix = testPrefix(name);
  const settings: Record<string, unknown> = {
    ...fakeSettings(fake, prefix),
    'local.path': cards,
    'store.path': path.join(dir, 'factsync.db'),
    'reports.dir': path.join(dir, 'reports'),
    'worker.lockDurationMs': 5000,
    'worker.shutdownTimeoutMs': 5000,
    ...overrides,
  };
  const config = loadConfig({ env: {}, overrides: settings });
  const configFile = path.join(dir, 'factsync.yaml');
  writeFileSync(
    configFile,
    [
      'store:',
      `  path: ${JSON.stringify(config.store.path)}`,
      'reports:',
      `  dir: ${JSON.stringify(config.reports.dir)}`,
      'http:',
      '  ratePerSecond: 1000',
      '  budgetPerHour: 10000000',
      'worker:',
      '  lockDurationMs: 5000',
      '  shutdownTimeoutMs: 5000',
      '',
    ].join('\n'),
  );
  const runtime = await openRuntime(config, createLogger('warn'));
  const env: Record<string, string> = {
    REDIS_URL,
    FACTSYNC_PREFIX: prefix,
    WIKIDATA_URL: fake.wikidataUrl,
    WIKIPEDIA_URL: fake.wikipediaUrl,
    FACTSYNC_USER_AGENT: 'factsync-tests/1.0 (tests@example.org)',
    FACTSYNC_LOCAL: cards,
    FACTSYNC_LOG_LEVEL: 'warn',
  };
  return {
    dir,
    configFile,
    cards,
    config,
    fake,
    runtime,
    env,
    async close() {
      await runtime.close();
      await fake.close();
      const redis = connectRedis();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
