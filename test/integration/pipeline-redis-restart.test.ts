// A worker outlives its Redis: the server stops, comes back (empty) on the same port, and a run started
// afterwards is consumed by the same worker process — not merely reconnected to.

import type { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../src/jobs/embedded-redis.js';
import { BATCH_QUEUE, openQueue } from '../../src/jobs/queues.js';
import { startRun } from '../../src/jobs/start-run.js';
import type { RunRecord } from '../../src/model/run.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { type RedisServer, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { killChildren, startWorkerChild } from '../support/spawn.js';
import { sleep, waitFor } from '../support/wait.js';

const ENTITIES = 30;

let redis: RedisServer | undefined;
let install: TestInstall | undefined;
const queues: Queue[] = [];

afterAll(async () => {
  await killChildren();
  await Promise.allSettled(queues.map((q) => q.close()));
  await install?.close();
  await stopRedisServers();
});

async function finishedRun(target: TestInstall, runId: string, timeoutMs: number): Promise<RunRecord> {
  return waitFor(
    `run ${runId} to be done`,
    async () => {
      const run = await target.runtime.store.getRun(runId);
      return run && run.status !== 'running' ? run : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

describe('a worker whose Redis restarts', () => {
  it('keeps consuming: a run started after the restart is processed and finishes', async () => {
    redis = await startRedisServer();
    install = await testInstall('restart', {
      entities: ENTITIES,
      file: { sync: { batchSize: 10 } },
      redisUrl: redis.url,
    });
    // This process's own connection retries while Redis is away; its errors are expected here.
    install.runtime.redis.on('error', () => undefined);
    const worker = await startWorkerChild(install);
    const workerName = `factsync-worker-${worker.pid}`;

    const before = await startRun(install.runtime.settings, { trigger: 'manual' });
    expect((await finishedRun(install, before.runId, 30_000)).counts).toMatchObject({
      seen: ENTITIES,
      failed: 0,
    });

    await redis.stop();
    expect(await redisAnswers(redis.url, 200)).toBe(false);
    await sleep(2_000);
    await redis.start();
    expect(worker.running()).toBe(true);

    // Redis came back empty: no queue, no history. A new run must still be picked up; the sync state
    // is the proposal store's, so nothing is fetched again.
    const after = await startRun(install.runtime.settings, { trigger: 'manual' });
    const run = await finishedRun(install, after.runId, 60_000);
    expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: 0, failed: 0 });
    expect(run.failures).toEqual([]);

    const batches = openQueue(install.runtime.settings, BATCH_QUEUE);
    queues.push(batches);
    const done = await batches.getCompleted(0, -1);
    expect(done.map((job) => job.data.runId)).toEqual(Array(3).fill(after.runId));
    expect(new Set(done.map((job) => job.processedBy))).toEqual(new Set([workerName]));
    const live = (await batches.getWorkers()).map((w) => String(w.rawname));
    expect(live.filter((name) => name.endsWith(`:${workerName}`))).toHaveLength(1);
    expect(worker.running()).toBe(true);
  }, 120_000);
});
