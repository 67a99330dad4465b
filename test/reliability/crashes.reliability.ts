// Crashes: during one run, worker processes are SIGKILLed five times at seeded random points (always
// while holding batches), and the Redis holding the queues — a private redis-server with
// `--appendonly yes` and a data directory, as docker-compose runs it — is restarted once. The run
// completes; its proposals equal a clean run's; no proposal is duplicated; no entity is lost
// (run.counts.seen == N, failed 0); every batch completed exactly once as far as the queue is concerned.

import type { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_QUEUE, openQueue } from '../../src/jobs/queues.js';
import { startRun } from '../../src/jobs/start-run.js';
import { syncNow } from '../../src/jobs/sync.js';
import type { TestInstall } from '../support/install.js';
import { proposalLines } from '../support/proposals.js';
import { type RedisServer, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { type Child, killChildren, startWorkerChild } from '../support/spawn.js';
import { sleep, waitFor } from '../support/wait.js';
import { finishedRun, install, mulberry32, recordFigures, seconds, timeFile } from './helpers.js';

timeFile('crashes');

const SEED = Number(process.env.FACTSYNC_RELIABILITY_SEED ?? 20_240_611);
const ENTITIES = 1500;
const KILLS = 5;
const WORKERS = 2;
/**
 * Many small batches against a slow fake, so the run lasts long enough for five kills and a restart.
 * A dead worker's batches come back when their lock runs out (worker.lockDurationMs, also the stalled
 * check interval). The http gate's slot lease is http.timeoutMs + 5 s: a killed worker's slots come back
 * after that, so http.concurrency is well above what the live workers use.
 */
const CONFIG = {
  sync: { batchSize: 10, strategy: 'sweep' },
  http: { concurrency: 16, ratePerSecond: 1000, budgetPerHour: 10_000_000, timeoutMs: 5000, retries: 2 },
  worker: { concurrency: 2, attempts: 3, lockDurationMs: 3000, shutdownTimeoutMs: 5000 },
};
const LATENCY_MS = 60;

interface Kill {
  at: number;
  done: number;
  victim: number;
  /** Batches it held when it was killed, and those of them it took down (not finished in that instant). */
  held: number;
  orphans: string[];
  delayMs: number;
}

const installs: TestInstall[] = [];
const queues: Queue[] = [];
let redis: RedisServer;
let cleanLines: string[];

beforeAll(async () => {
  const clean = await install('crash-clean', {
    fake: { latencyMs: 0 },
    entities: ENTITIES,
    file: CONFIG,
  });
  installs.push(clean);
  const { run } = await syncNow(clean.runtime, { trigger: 'one-off' });
  expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0, unreadable: 0 });
  cleanLines = await proposalLines(clean.runtime.store);
  expect(cleanLines.length).toBeGreaterThan(100);
});

afterAll(async () => {
  await killChildren();
  await Promise.allSettled(queues.map((q) => q.close()));
  await Promise.allSettled(installs.map((i) => i.close()));
  await stopRedisServers();
});

const workerName = (child: Child) => `factsync-worker-${child.pid}`;

describe('five worker crashes and a Redis restart in one run', () => {
  it('complete the run with the proposals of a clean run, nothing lost or duplicated', async () => {
    const random = mulberry32(SEED);
    redis = await startRedisServer({ durable: true });
    const target = await install('crash', {
      fake: { latencyMs: LATENCY_MS },
      entities: ENTITIES,
      redisUrl: redis.url,
      file: CONFIG,
    });
    installs.push(target);
    const batches = openQueue(target.runtime.settings, BATCH_QUEUE);
    // Expected while Redis restarts: the commands wait and go through once it is back.
    batches.on('error', () => undefined);
    queues.push(batches);

    // The seeded plan: where in the run (share of batches done) each kill and the restart happen.
    const killShares = Array.from({ length: KILLS }, () => 0.04 + random() * 0.6).sort((a, b) => a - b);
    const restartShare = 0.2 + random() * 0.4;
    const events = [
      ...killShares.map((share) => ({ share, what: 'kill' as const })),
      { share: restartShare, what: 'restart' as const },
    ].sort((a, b) => a.share - b.share);

    let workers: Child[] = [];
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorkerChild(target));
    const started = Date.now();
    const { runId } = await startRun(target.runtime.settings, { trigger: 'nightly' });
    const planned = await waitFor('the run to be planned', async () => {
      const p = await target.runtime.progress.get(runId);
      return p.planned ? p.batches : undefined;
    });

    const kills: Kill[] = [];
    const allOrphans = new Set<string>();
    let restart:
      | { at: number; done: number; downMs: number; jobsBefore: number; jobsAfter: number }
      | undefined;
    for (const event of events) {
      const wanted = Math.ceil(event.share * planned);
      await waitFor(
        `${wanted} of ${planned} batches done`,
        async () => (await target.runtime.progress.get(runId)).done >= wanted,
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      if (event.what === 'restart') {
        const before = await batches.getJobCounts();
        const jobsBefore = Object.values(before).reduce((n, c) => n + c, 0);
        const done = (await target.runtime.progress.get(runId)).done;
        const down = Date.now();
        await redis.stop();
        await sleep(1000);
        await redis.start();
        const downMs = Date.now() - down;
        const after = await batches.getJobCounts();
        const jobsAfter = Object.values(after).reduce((n, c) => n + c, 0);
        restart = { at: seconds(down - started), done, downMs, jobsBefore, jobsAfter };
        continue;
      }
      // A victim that holds batches right now, none of which was orphaned by an earlier kill (a batch
      // whose worker dies a third time is failed by BullMQ: maxStalledCount 2), killed at a random
      // point within them.
      let victim: Child | undefined;
      let held: Job[] = [];
      let delayMs = 0;
      while (!victim) {
        const chosen = await waitFor(
          'a worker holding fresh batches',
          async () => {
            const active: Job[] = await batches.getActive();
            const holders = workers.filter((w) => {
              const mine = active.filter((job) => job.processedBy === workerName(w));
              return mine.length > 0 && mine.every((job) => !allOrphans.has(job.id as string));
            });
            return holders.length === 0 ? undefined : holders[Math.floor(random() * holders.length)];
          },
          { timeoutMs: 60_000, intervalMs: 10 },
        );
        delayMs = Math.floor(random() * 150);
        await sleep(delayMs);
        held = (await batches.getActive()).filter((job) => job.processedBy === workerName(chosen));
        if (held.length > 0 && held.every((job) => !allOrphans.has(job.id as string))) victim = chosen;
      }
      victim.process.kill('SIGKILL');
      expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
      // What it took down: the batches still active now that it is dead (one may have finished in the
      // instant between the look and the kill).
      const orphans: string[] = [];
      for (const job of held)
        if ((await batches.getJob(job.id as string).then((j) => j?.getState())) === 'active')
          orphans.push(job.id as string);
      for (const id of orphans) allOrphans.add(id);
      const done = (await target.runtime.progress.get(runId)).done;
      kills.push({
        at: seconds(Date.now() - started),
        done,
        victim: victim.pid,
        held: held.length,
        orphans,
        delayMs,
      });
      workers = workers.filter((w) => w !== victim);
      workers.push(await startWorkerChild(target));
    }
    const progress = await target.runtime.progress.get(runId);
    expect(progress.done, 'the run ended before every crash was staged: make it longer').toBeLessThan(
      planned,
    );

    const run = await finishedRun(target, runId);
    const elapsedMs = Date.now() - started;
    const lines = await proposalLines(target.runtime.store);
    const ids = lines.map((line) => line.split(' | ')[0]);
    const completed = await batches.getCompleted(0, -1);
    const orphanJobs = await Promise.all([...allOrphans].map((id) => batches.getJob(id)));

    recordFigures('crashes', {
      seed: SEED,
      entities: ENTITIES,
      batches: planned,
      config: CONFIG,
      latencyMs: LATENCY_MS,
      kills,
      killedMidBatch: kills.filter((k) => k.orphans.length > 0).length,
      orphanedBatches: allOrphans.size,
      redisRestart: restart,
      runCounts: run.counts,
      runSeconds: seconds(elapsedMs),
      batchesCompleted: completed.length,
      batchesFailed: await batches.getFailedCount(),
      proposals: {
        clean: cleanLines.length,
        crashed: lines.length,
        equal: lines.join('\n') === cleanLines.join('\n'),
      },
    });

    expect(kills).toHaveLength(KILLS);
    // Every victim was killed holding batches, and the kills took batches down with them.
    for (const kill of kills) expect(kill.held, JSON.stringify(kill)).toBeGreaterThan(0);
    expect(allOrphans.size).toBeGreaterThanOrEqual(KILLS);
    // The queue survived the restart: every job Redis held before it, it held after.
    expect(restart).toBeDefined();
    expect(restart?.jobsAfter).toBe(restart?.jobsBefore);
    // The workers that were not killed outlived the restart.
    for (const w of workers) expect(w.running()).toBe(true);

    expect(run.counts).toMatchObject({ seen: ENTITIES, failed: 0, unreadable: 0 });
    expect(run.failures).toEqual([]);
    expect(completed.map((job) => job.id).sort()).toEqual(
      Array.from({ length: planned }, (_, i) => `batch-${runId}-${i}`).sort(),
    );
    expect(await batches.getFailedCount()).toBe(0);
    // The batches that died with a worker were taken up again, and finished.
    for (const job of orphanJobs) {
      expect(await job?.getState()).toBe('completed');
      expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(lines).toEqual(cleanLines);
  });
});
