// `factsync watch` as a process (bin/factsync.js, built): with Redis and the fake's stream only (no
// local store, no proposal store), it records a hit from the stream under the store's prefix, keeps its
// place, stops on SIGTERM with exit code 0 and gives its lease back.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FakeWikimedia,
  generatedEntity,
  startFakeWikimedia,
} from '../../dev/fake-wikimedia/src/index.js';
import { ChangeIndex } from '../../src/jobs/change-index.js';
import { watchKeys } from '../../src/redis-keys.js';
import { INSTALL_USER_AGENT, writeConfigFile } from '../support/config.js';
import { connectRedis, dropPrefix, REDIS_CLUSTER, REDIS_URL, testPrefix } from '../support/redis.js';
import { ROOT, spawnTracked } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(path.join(tmpdir(), 'factsync-watch-cli-'));
const redis = connectRedis();
const prefix = testPrefix('watch-cli');
let fake: FakeWikimedia;

beforeAll(async () => {
  fake = await startFakeWikimedia({
    entities: 2,
    recentChangesPerDay: 0,
    wikipediaChangesPerDay: 0,
    fixturesDir: null,
  });
});

afterAll(async () => {
  await fake?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

it('records the stream’s hits with Redis alone, and stops cleanly on SIGTERM', async () => {
  const qid = generatedEntity(fake.seed, 0, { count: 2 }).id;
  await new ChangeIndex(redis, prefix).remember([qid], []);
  const config = writeConfigFile(path.join(dir, 'config.yaml'), {
    redis: { url: REDIS_URL, prefix, ...(REDIS_CLUSTER ? { cluster: true } : {}) },
    http: { userAgent: INSTALL_USER_AGENT },
    watch: { url: fake.streamUrl },
    // Nothing here exists: watch must not need it.
    local: { path: path.join(dir, 'no-such-cards') },
  });
  const child = spawnTracked(
    process.execPath,
    [path.join(ROOT, 'bin/factsync.js'), '--config', config, 'watch'],
    {
      cwd: dir,
    },
  );
  await child.waitForOutput(/watching the change stream/, 20_000);
  const revid = fake.store.bumpRevision(qid);
  const index = new ChangeIndex(redis, prefix);
  await waitFor('the hit', async () => (await index.hits([qid], [])).items.get(qid) === revid);
  expect(await redis.get(watchKeys(prefix).lease)).not.toBeNull();
  child.process.kill('SIGTERM');
  expect((await child.exited).code).toBe(0);
  expect(await redis.get(watchKeys(prefix).lease)).toBeNull();
  expect(JSON.parse((await redis.get(watchKeys(prefix).position)) as string)).toMatchObject({
    id: expect.any(String),
  });
});
