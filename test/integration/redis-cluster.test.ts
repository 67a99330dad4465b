// factsync on a Redis Cluster (redis.cluster): a private three-master cluster on loopback, and beside it a
// private single redis-server. The same nights over the example cards against the fake Wikimedia, into
// two SQLite stores, give the same proposals and counts on both; every key a store's runs leave sits in
// its prefix's one hash slot; a `factsync worker` process on the cluster runs a refresh queued by
// another; `factsync status` reads it; the request gate's scripts, slot leases and pause hold across
// clients of the cluster. Without hash-tagged prefixes the first night fails ("All the keys in a
// pipeline command should belong to the same slot").

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWikimedia, startFakeWikimedia } from '../../dev/fake-wikimedia/src/index.js';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { startRun } from '../../src/jobs/start-run.js';
import { syncNow } from '../../src/jobs/sync.js';
import { readBudget } from '../../src/sources/budget-state.js';
import { redisGate } from '../../src/sources/http-gate.js';
import { configuredBudget } from '../../src/sources/index.js';
import { fakeEnv, fakeSettings, testConfig, writeConfigFile } from '../support/config.js';
import { proposalLines } from '../support/proposals.js';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster.js';
import { type RedisServer, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { killChildren, ROOT, runCli, startWorkerChild } from '../support/spawn.js';
import { sleep, waitFor } from '../support/wait.js';

let cluster: RedisCluster;
let single: RedisServer;
let fake: FakeWikimedia;
let dir: string;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  [cluster, single, fake] = await Promise.all([
    startRedisCluster(),
    startRedisServer(),
    startFakeWikimedia({ seed: 11 }),
  ]);
  dir = mkdtempSync(path.join(tmpdir(), 'factsync-cluster-'));
  cpSync(path.join(ROOT, 'examples', 'cards'), path.join(dir, 'cards'), { recursive: true });
});

afterAll(async () => {
  await killChildren();
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await fake?.close();
  await cluster?.destroy();
  await stopRedisServers();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The settings of an install on `where`, into its own SQLite store. */
function settingsOn(where: 'cluster' | 'single'): Record<string, unknown> {
  return {
    ...fakeSettings(fake),
    'redis.url': where === 'cluster' ? cluster.url : single.url,
    ...(where === 'cluster' ? { 'redis.cluster': true } : {}),
    'local.path': path.join(dir, 'cards'),
    'store.path': path.join(dir, `${where}.db`),
    'reports.dir': path.join(dir, `reports-${where}`),
    'review.coolingOffHours': 0,
    'worker.lockDurationMs': 5000,
    'worker.shutdownTimeoutMs': 5000,
  };
}

/** The --config file and environment of a CLI child on the cluster, over the cluster install's store. */
function clusterConfigFile(): string {
  return writeConfigFile(path.join(dir, 'cluster.yaml'), {
    store: { path: path.join(dir, 'cluster.db') },
    local: { path: path.join(dir, 'cards') },
    reports: { dir: path.join(dir, 'reports-cluster') },
    http: { ratePerSecond: 1000, budgetPerHour: 10_000_000 },
    worker: { lockDurationMs: 5000, shutdownTimeoutMs: 5000 },
  });
}
const clusterEnv = () => ({
  ...fakeEnv(fake, { url: cluster.url }),
  FACTSYNC_REDIS_CLUSTER: 'true',
  FACTSYNC_LOG_LEVEL: 'warn',
});

async function runtimeOn(where: 'cluster' | 'single'): Promise<Runtime> {
  const runtime = await openRuntime(testConfig(settingsOn(where)), pino({ level: 'silent' }));
  closers.push(() => runtime.close());
  return runtime;
}

describe('a night on a Redis Cluster', () => {
  let onCluster: Runtime;
  let onSingle: Runtime;

  it('gives the proposals and counts a night on a single Redis gives, its store keys in one slot', async () => {
    [onCluster, onSingle] = await Promise.all([runtimeOn('cluster'), runtimeOn('single')]);
    expect(onCluster.scope.prefix).toMatch(/^\{factsync-[0-9a-f]{8}\}$/);
    expect(onCluster.scope.shared).toBe('{factsync}');
    // A single Redis keeps the names an existing install has.
    expect(onSingle.scope.prefix).toMatch(/^factsync-[0-9a-f]{8}$/);

    const first = (await syncNow(onCluster, { trigger: 'one-off' })).run;
    const reference = (await syncNow(onSingle, { trigger: 'one-off' })).run;
    expect(first.status).toBe('done');
    expect(first.counts).toEqual(reference.counts);
    expect(first.counts).toMatchObject({ seen: 9, fetched: 9, unchanged: 0 });
    const proposals = await proposalLines(onCluster.store);
    expect(proposals.length).toBeGreaterThan(0);
    expect(proposals).toEqual(await proposalLines(onSingle.store));

    // Every key is under one of the two tags, and each tag's keys hash to one slot.
    const keys = await cluster.keys();
    const own = keys.filter((key) => key.startsWith(`${onCluster.scope.prefix}:`));
    const shared = keys.filter((key) => key.startsWith(`${onCluster.scope.shared}:`));
    expect(own.length).toBeGreaterThan(10); // queues, jobs, sync state, change index
    expect(shared.some((key) => key.includes(':labels:'))).toBe(true);
    expect(shared.some((key) => key.includes(':http:'))).toBe(true);
    expect(own.length + shared.length).toBe(keys.length);
    const redis = onCluster.redis;
    const slots = async (list: string[]) =>
      new Set(await Promise.all(list.map((key) => redis.cluster('KEYSLOT', key))));
    expect((await slots(own)).size).toBe(1);
    expect((await slots(shared)).size).toBe(1);
  });

  it('a second night over unchanged data makes revision checks only, as on a single Redis', async () => {
    fake.resetStats();
    const again = (await syncNow(onCluster, { trigger: 'nightly' })).run;
    expect(again.counts).toMatchObject({ seen: 9, fetched: 0, unchanged: 9 });
    expect(fake.stats().byEndpoint.wbgetentities.requests).toBe(0);
    const reference = (await syncNow(onSingle, { trigger: 'nightly' })).run;
    expect(again.counts).toEqual(reference.counts);
  });

  it('an entity changed upstream is compared again, and its proposal is the same on both', async () => {
    fake.store.setStatementValue('Q124544998', 'P856', 'https://sora.com');
    const changed = (await syncNow(onCluster, { trigger: 'nightly' })).run;
    const reference = (await syncNow(onSingle, { trigger: 'nightly' })).run;
    expect(changed.counts).toMatchObject({ fetched: 1, unchanged: 8 });
    expect(changed.counts).toEqual(reference.counts);
    expect(await proposalLines(onCluster.store)).toEqual(await proposalLines(onSingle.store));
  });

  it('a `factsync worker` process on the cluster runs a refresh queued by another process', async () => {
    const worker = await startWorkerChild({ env: clusterEnv(), configFile: clusterConfigFile() });
    try {
      const refresh = await startRun(onCluster.settings, { trigger: 'refresh', scope: ['sora'] });
      const run = await waitFor(`refresh ${refresh.runId} to be done`, async () => {
        const stored = await onCluster.store.getRun(refresh.runId);
        return stored?.status === 'done' ? stored : undefined;
      });
      expect(run.counts).toMatchObject({ seen: 1 });
    } finally {
      worker.process.kill('SIGTERM');
      await worker.exited;
    }
  });

  it('`factsync status` reads the request budget and runs from the cluster', async () => {
    const budget = await readBudget(
      onCluster.redis,
      onCluster.scope.shared,
      configuredBudget(onCluster.config),
    );
    expect(budget.spentHour).toBeGreaterThan(0);
    const result = await runCli(['--config', clusterConfigFile(), 'status'], clusterEnv());
    expect(result.stderr).not.toMatch(/CROSSSLOT|error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`redis prefix: ${onCluster.scope.prefix}`);
  });
});

describe('the request gate on a Redis Cluster', () => {
  const prefix = '{factsync-test-cluster-gate}';
  let clients: Redis[];

  beforeAll(() => {
    clients = [cluster.connect(), cluster.connect()] as unknown as Redis[];
  });
  afterAll(async () => {
    await cluster.dropPrefix(prefix);
    for (const client of clients) client.disconnect();
  });

  const gates = (leaseMs: number) =>
    clients.map((client) => redisGate(client, { prefix, concurrency: 1, ratePerSecond: 1000, leaseMs }));

  it('gives its one slot to one client at a time, across clients', async () => {
    const [one, two] = gates(30_000) as [ReturnType<typeof redisGate>, ReturnType<typeof redisGate>];
    const release = await one.acquire();
    let second = false;
    const waiting = two.acquire().then((give) => {
      second = true;
      return give;
    });
    await sleep(300);
    expect(second).toBe(false);
    await release();
    await (await waiting)();
    expect(second).toBe(true);
  });

  it('takes back the slot of a client that never gave it back once its lease ends', async () => {
    const [one, two] = gates(500) as [ReturnType<typeof redisGate>, ReturnType<typeof redisGate>];
    await one.acquire(); // never released: a worker killed mid-request
    const give = await waitFor('the lease to end', () => two.acquire(), { timeoutMs: 10_000 });
    await give();
  });

  it('holds every client while one of them heard a Retry-After', async () => {
    const [one, two] = gates(30_000) as [ReturnType<typeof redisGate>, ReturnType<typeof redisGate>];
    await one.pause(60_000, 'test pause');
    const slots = clients[0] as Redis;
    const paused = await slots.hget(`${prefix}:http:paused`, 'reason');
    expect(paused).toBe('test pause');
    let through = false;
    void two.acquire().then(() => {
      through = true;
    });
    await sleep(300);
    expect(through).toBe(false);
    await slots.del(`${prefix}:http:paused`);
    await waitFor('the pause to be lifted', () => through, { timeoutMs: 10_000 });
  });
});
