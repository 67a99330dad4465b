// Two proposal stores on one Redis — the example cards, synced into store A and into store B, as
// `config/demo.yaml` does beside the default config. With no redis.prefix each store has a prefix of its
// own: B neither skips A's entities as unchanged nor runs A's refresh, and proposals stay in their own
// store. With one prefix set for both (the user's choice), a worker of B refuses A's runs, naming both.
// One private redis-server, so the shared part of the derived prefixes ("factsync") is this file's alone.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Job } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWikimedia, startFakeWikimedia } from '../../dev/fake-wikimedia/src/index.js';
import { openQueue, RUN_QUEUE } from '../../src/jobs/queues.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { startRun } from '../../src/jobs/start-run.js';
import { syncNow } from '../../src/jobs/sync.js';
import { startWorkers, type Workers } from '../../src/jobs/worker.js';
import type { ItemId } from '../../src/model/ids.js';
import type { RunRecord } from '../../src/model/run.js';
import { redisLabelCache } from '../../src/sources/label-cache.js';
import { fakeSettings, testConfig } from '../support/config.js';
import { proposalLines } from '../support/proposals.js';
import { testPrefix } from '../support/redis.js';
import { type RedisServer, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { ROOT } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';

let redis: RedisServer;
let fake: FakeWikimedia;
let dir: string;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeWikimedia({ seed: 11 });
  dir = mkdtempSync(path.join(tmpdir(), 'factsync-stores-'));
  cpSync(path.join(ROOT, 'examples', 'cards'), path.join(dir, 'cards'), { recursive: true });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await fake?.close();
  await stopRedisServers();
  rmSync(dir, { recursive: true, force: true });
});

/** Warnings and errors a runtime logged, as parsed lines. */
type LogLines = Array<{ level: number; msg: string; [key: string]: unknown }>;

/** A runtime over the shared cards and fake, into the SQLite store `name`.db. */
async function storeRuntime(name: string, prefix?: string): Promise<{ runtime: Runtime; logged: LogLines }> {
  const config = testConfig({
    ...fakeSettings(fake, prefix),
    'redis.url': redis.url,
    'local.path': path.join(dir, 'cards'),
    'store.path': path.join(dir, prefix ? 'shared' : 'own', `${name}.db`),
    'reports.dir': path.join(dir, `reports-${name}`),
    'worker.lockDurationMs': 5000,
    'worker.shutdownTimeoutMs': 5000,
  });
  const logged: LogLines = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const runtime = await openRuntime(config, log);
  closers.push(() => runtime.close());
  return { runtime, logged };
}

function workersOf(runtime: Runtime): Workers {
  const workers = startWorkers(runtime, { concurrency: 2 });
  closers.push(() => workers.close(5000));
  return workers;
}

async function runIds(runtime: Runtime): Promise<string[]> {
  return (await runtime.store.listRuns(50)).map((run) => run.id).sort();
}

async function finishedRun(runtime: Runtime, runId: string): Promise<RunRecord> {
  return waitFor(`run ${runId} to be done`, async () => {
    const run = await runtime.store.getRun(runId);
    return run?.status === 'done' ? run : undefined;
  });
}

/** A job of `runtime`'s runs queue, by id. */
async function runsJob(runtime: Runtime, id: string): Promise<Job | undefined> {
  const runs = openQueue(runtime.settings, RUN_QUEUE);
  try {
    return await Job.fromId(runs, id);
  } finally {
    await runs.close();
  }
}

describe('two stores on one Redis, each with the prefix derived from it', () => {
  it('B fetches what A fetched, neither sees the other runs or proposals, and each refresh runs in its own store', async () => {
    const a = (await storeRuntime('a')).runtime;
    const b = (await storeRuntime('b')).runtime;
    expect(a.scope.prefix).not.toBe(b.scope.prefix);
    expect(a.scope.shared).toBe('factsync');

    const first = (await syncNow(a, { trigger: 'one-off' })).run;
    expect(first.counts).toMatchObject({ seen: 9, fetched: 9, unchanged: 0 });
    // What A's run left in Redis (sync state of every entity) is not B's: B fetches them all itself.
    const second = (await syncNow(b, { trigger: 'one-off' })).run;
    expect(second.counts).toMatchObject({ seen: 9, fetched: 9, unchanged: 0 });
    const proposals = await proposalLines(a.store);
    expect(proposals.length).toBeGreaterThan(0);
    expect(await proposalLines(b.store)).toEqual(proposals);
    expect(await runIds(a)).toEqual([first.id]);
    expect(await runIds(b)).toEqual([second.id]);
    // B's own state still spares its unchanged entities.
    const again = (await syncNow(b, { trigger: 'nightly' })).run;
    expect(again.counts).toMatchObject({ seen: 9, fetched: 0, unchanged: 9 });

    // A refresh queued under A, while only B's workers run: B's refresh is done, A's still waits.
    workersOf(b);
    const forA = await startRun(a.settings, { trigger: 'refresh', scope: ['sora'] });
    const forB = await startRun(b.settings, { trigger: 'refresh', scope: ['sora'] });
    expect((await finishedRun(b, forB.runId)).counts).toMatchObject({ seen: 1 });
    expect(await (await runsJob(a, forA.finaliseJobId))?.getState()).toBe('waiting-children');
    expect(await runIds(b)).not.toContain(forA.runId);
    // A's worker runs it, into A's store.
    workersOf(a);
    expect((await finishedRun(a, forA.runId)).counts).toMatchObject({ seen: 1 });
    expect(await runIds(a)).toEqual([first.id, forA.runId].sort());
    expect(await runIds(b)).toEqual([second.id, again.id, forB.runId].sort());
  });

  it('a store does not adopt the sync state an older factsync left under "factsync", and says so', async () => {
    const a = (await storeRuntime('a')).runtime;
    // What an older factsync would have left: the state of every entity A fetched in the test above
    // (this version keeps it in A's proposal store).
    const keys: string[] = [];
    for await (const result of a.local.records()) if (result.ok) keys.push(result.record.key);
    const state = Object.fromEntries(
      [...(await a.state.get(keys))].map(([key, value]) => [key, JSON.stringify(value)]),
    );
    expect(Object.keys(state)).toHaveLength(9);
    await a.redis.hset('factsync:state', state);
    try {
      const { runtime: c, logged } = await storeRuntime('c');
      expect(logged.map((line) => line.msg)).toContainEqual(
        expect.stringContaining(
          `this store's runs use "${c.scope.prefix}" and do not read it, so its next run fetches every entity again`,
        ),
      );
      const run = (await syncNow(c, { trigger: 'nightly' })).run;
      expect(run.counts).toMatchObject({ seen: 9, fetched: 9, unchanged: 0 });
    } finally {
      await a.redis.del('factsync:state');
    }
  });
});

describe('labels of referenced items', () => {
  it("are shared by the stores of one site, and kept apart from another site's", async () => {
    const a = (await storeRuntime('a')).runtime;
    const site = new URL(fake.wikidataUrl).host;
    const cached = await a.redis.keys(`factsync:labels:v3:${site}:*`);
    expect(cached.length).toBeGreaterThan(0);
    // The items' numbers are the fields of the cache's hashes (sources/label-cache.ts).
    const fields = (await Promise.all(cached.map((key) => a.redis.hkeys(key)))).flat();
    const ids = fields.map((field) => `Q${field}` as ItemId);
    // The cache's generations are slices of its TTL: read with the one it was written with.
    const ttl = a.config.wikidata.labelTtlSeconds;
    const here = await redisLabelCache(a.redis, 'factsync', ttl, fake.wikidataUrl).get(ids);
    expect(here.size).toBe(ids.length);
    const elsewhere = await redisLabelCache(a.redis, 'factsync', ttl, 'https://wikibase.example.org').get(
      ids,
    );
    expect(elsewhere.size).toBe(0);
  });
});

describe('two stores given one redis.prefix', () => {
  it("a worker of B refuses A's runs for good, naming both stores, and A's sync says why it failed", async () => {
    const prefix = testPrefix('stores-shared');
    const a = (await storeRuntime('a', prefix)).runtime;
    const { runtime: b, logged } = await storeRuntime('b', prefix);
    expect(a.scope).toMatchObject({ prefix, derived: false });
    workersOf(b);

    const refresh = await startRun(a.settings, { trigger: 'refresh', scope: ['sora'] });
    const finalise = await waitFor('the refused run to fail', async () => {
      // Its reason is read with the job: a job read just before it failed has none, whatever its state says after.
      const job = await runsJob(a, refresh.finaliseJobId);
      return job?.failedReason && (await job.getState()) === 'failed' ? job : undefined;
    });
    const both = new RegExp(
      `is for store ${literal(a.scope.store)}, but this worker serves ${literal(b.scope.store)}: refused`,
    );
    expect(finalise?.failedReason).toMatch(both);
    // Refused once, not retried (worker.attempts is 3).
    const plan = await runsJob(a, `plan-${refresh.runId}`);
    expect(plan?.failedReason).toMatch(both);
    expect(plan?.attemptsMade).toBe(1);
    expect(await runIds(a)).toEqual([]);
    expect(await runIds(b)).toEqual([]);
    expect(logged.filter((line) => line.level === 50 && both.test(line.msg)).map((l) => l.name)).toEqual(
      expect.arrayContaining(['plan-run', 'finalise-run']),
    );

    // `factsync sync` under A, with B's worker the live one: it fails with the reason, and A's store
    // holds no run.
    await expect(syncNow(a, { trigger: 'one-off' })).rejects.toThrow(both);
    expect(await runIds(b)).toEqual([]);
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
