// Workers that die or are stopped in the middle of a run: a SIGKILLed worker's batches go back to the
// queue once their lock runs out and another worker finishes them; a SIGTERMed worker finishes the
// batches in hand and exits 0. Either way the run completes with every entity checked, and the store
// holds exactly the proposals of a clean run over the same data.

import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_QUEUE, openQueue } from '../../src/jobs/queues.js';
import { startRun } from '../../src/jobs/start-run.js';
import { syncNow } from '../../src/jobs/sync.js';
import type { RunRecord } from '../../src/model/run.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { proposalLines, proposalsByEntity } from '../support/proposals.js';
import { killChildren, startWorkerChild } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';

const ENTITIES = 300;
/** Small batches and a slow fake, so that a run is many batches, each taking a while. */
const SHAPE = {
  entities: ENTITIES,
  fake: { latencyMs: 30 },
  file: { sync: { batchSize: 10 }, worker: { lockDurationMs: 3000, concurrency: 2 } },
};

const installs: TestInstall[] = [];
const queues: Queue[] = [];
let cleanLines: string[];
let cleanByEntity: Map<string, string[]>;

beforeAll(async () => {
  // The reference: the same records against the same fake world, in one undisturbed run.
  const clean = await testInstall('crash-clean', { entities: ENTITIES });
  installs.push(clean);
  const { run } = await syncNow(clean.runtime, { trigger: 'one-off' });
  expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0, unreadable: 0 });
  cleanLines = await proposalLines(clean.runtime.store);
  cleanByEntity = await proposalsByEntity(clean.runtime.store);
  // Generated data differs from its items on purpose for about a fifth of the records.
  expect(cleanLines.length).toBeGreaterThan(20);
});

afterAll(async () => {
  await killChildren();
  await Promise.allSettled(queues.map((q) => q.close()));
  await Promise.allSettled(installs.map((i) => i.close()));
});

async function finishedRun(install: TestInstall, runId: string): Promise<RunRecord> {
  return waitFor(
    `run ${runId} to be done`,
    async () => {
      const run = await install.runtime.store.getRun(runId);
      return run?.status === 'done' ? run : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

/** Waits until the run is planned, a few batches are done, many remain, and the worker has some in hand. */
async function midRun(install: TestInstall, batches: Queue, runId: string): Promise<void> {
  await waitFor(
    'a run in full swing',
    async () => {
      const progress = await install.runtime.progress.get(runId);
      return (
        progress.planned &&
        progress.done >= 3 &&
        progress.done <= progress.batches - 10 &&
        (await batches.getActiveCount()) > 0
      );
    },
    { timeoutMs: 30_000, intervalMs: 20 },
  );
}

async function expectSameProposalsAsCleanRun(install: TestInstall): Promise<void> {
  expect(await proposalsByEntity(install.runtime.store)).toEqual(cleanByEntity);
  expect(await proposalLines(install.runtime.store)).toEqual(cleanLines);
}

describe('a worker killed mid-batch', () => {
  it('loses nothing: its batches are taken over by another worker and the run completes', async () => {
    const install = await testInstall('crash-kill', SHAPE);
    installs.push(install);
    const batches = openQueue(install.runtime.settings, BATCH_QUEUE);
    queues.push(batches);
    const { runId } = await startRun(install.runtime.settings, { trigger: 'nightly' });

    const first = await startWorkerChild(install);
    await midRun(install, batches, runId);
    first.process.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });

    // With no worker alive, whatever is still active was in the dead worker's hands.
    await waitFor('Redis to drop the dead worker', async () => (await batches.getWorkers()).length === 0);
    const orphans = await batches.getActive();
    expect(orphans.length).toBeGreaterThan(0);

    const second = await startWorkerChild(install);
    const run = await finishedRun(install, runId);

    expect(run.counts).toMatchObject({ seen: ENTITIES, failed: 0, unreadable: 0 });
    expect(run.failures).toEqual([]);
    // The orphaned batches were detected as stalled and done again, by the second worker.
    for (const orphan of orphans) {
      const job = await batches.getJob(orphan.id as string);
      expect(await job?.getState()).toBe('completed');
      expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
      expect(job?.processedBy).toBe(`factsync-worker-${second.pid}`);
    }
    expect(await batches.getFailedCount()).toBe(0);
    await expectSameProposalsAsCleanRun(install);
  }, 150_000);
});

describe('a worker stopped with SIGTERM mid-batch', () => {
  it('finishes the batches in hand, exits 0, and the run completes with another worker', async () => {
    const install = await testInstall('crash-term', { ...SHAPE, logLevel: 'info' });
    installs.push(install);
    const batches = openQueue(install.runtime.settings, BATCH_QUEUE);
    queues.push(batches);
    const { runId } = await startRun(install.runtime.settings, { trigger: 'nightly' });

    const first = await startWorkerChild(install);
    await midRun(install, batches, runId);
    first.process.kill('SIGTERM');
    const exit = await first.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    // It stopped within its deadline (worker.shutdownTimeoutMs), having finished what it held…
    expect(first.stderr()).toMatch(/"graceful":true[^\n]*"msg":"stopped"/);
    // …so nothing is left active for a lock to expire on, and it did not take the rest of the run.
    expect(await batches.getActiveCount()).toBe(0);
    const progress = await install.runtime.progress.get(runId);
    expect(progress.done).toBeLessThan(progress.batches);
    expect((await install.runtime.store.getRun(runId))?.status).toBe('running');

    await startWorkerChild(install);
    const run = await finishedRun(install, runId);
    expect(run.counts).toMatchObject({ seen: ENTITIES, failed: 0, unreadable: 0 });
    expect(run.failures).toEqual([]);
    expect(await batches.getFailedCount()).toBe(0);
    // A graceful stop leaves no stalled job behind.
    const completed = await batches.getCompleted(0, -1);
    expect(completed).toHaveLength(progress.batches);
    expect(completed.filter((job) => job.stalledCounter > 0)).toEqual([]);
    await expectSameProposalsAsCleanRun(install);
  }, 150_000);
});
