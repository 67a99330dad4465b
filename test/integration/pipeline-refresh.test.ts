// A manual refresh goes ahead of queued nightly work, and an entity already waiting for a refresh is
// not queued twice.

import { type Job, type Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { processPlan } from '../../src/jobs/plan-run.js';
import { BATCH_QUEUE, type JobPayloads, openQueue, RUN_QUEUE } from '../../src/jobs/queues.js';
import { startRun } from '../../src/jobs/start-run.js';
import type { RunRecord } from '../../src/model/run.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { killChildren, runCli, startWorkerChild } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';

const ENTITIES = 200;
const BATCH = 10;
const KEY = 'gen-195'; // in the last nightly batch

let install: TestInstall | undefined;
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  await killChildren();
  await Promise.allSettled(closers.map((close) => close()));
  await install?.close();
});

async function finishedRun(target: TestInstall, runId: string): Promise<RunRecord> {
  return waitFor(
    `run ${runId} to be done`,
    async () => {
      const run = await target.runtime.store.getRun(runId);
      return run?.status === 'done' ? run : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** Plans the runs waiting on the runs queue (and nothing else), as a worker would, then stops. */
async function planWaitingRuns(target: TestInstall, runIds: readonly string[]): Promise<void> {
  const planner = new Worker(
    RUN_QUEUE,
    async (job: Job) => {
      if (job.name !== 'plan-run') throw new Error(`the test planner only plans (got ${job.name})`);
      return processPlan(job as Job<JobPayloads['plan-run']>, target.runtime);
    },
    { connection: target.runtime.settings.connection, prefix: target.prefix, concurrency: 1 },
  );
  closers.push(() => planner.close());
  try {
    for (const runId of runIds) {
      await waitFor(
        `run ${runId} to be planned`,
        async () => (await target.runtime.progress.get(runId)).planned,
      );
    }
  } finally {
    await planner.close();
  }
}

describe('a manual refresh', () => {
  it('is de-duplicated while waiting and runs ahead of the nightly batches already queued', async () => {
    install = await testInstall('refresh', {
      entities: ENTITIES,
      fake: { latencyMs: 20 },
      file: { sync: { batchSize: BATCH }, worker: { concurrency: 1 } },
    });
    const batches: Queue = openQueue(install.runtime.settings, BATCH_QUEUE);
    closers.push(() => batches.close());
    const args = ['--config', install.configFile, 'refresh', KEY];

    // No worker is running: the nightly run is queued, and so is the refresh.
    const nightly = await startRun(install.runtime.settings, { trigger: 'nightly' });
    const first = await runCli(args, install.env);
    expect(first.code).toBe(0);
    const refreshRunId = /^queued run (\S+) for gen-195$/m.exec(first.stdout)?.[1];
    expect(refreshRunId, first.stdout + first.stderr).toBeDefined();
    expect(first.stderr).toContain('no worker is running');

    const second = await runCli(args, install.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`${KEY}: a refresh is already waiting`);
    const runs = openQueue(install.runtime.settings, RUN_QUEUE);
    closers.push(() => runs.close());
    // Two runs (nightly and one refresh), each a finalise job waiting for its plan job.
    expect((await runs.getJobs(['waiting-children'])).map((j) => j.id).sort()).toEqual(
      [`finalise-${nightly.runId}`, `finalise-${refreshRunId}`].sort(),
    );
    expect(await runs.getJobCountByTypes('waiting', 'prioritized')).toBe(2);
    // The refresh is planned ahead of the night too: its plan job has the refresh's priority.
    const plans = await runs.getJobs(['waiting', 'prioritized']);
    expect(Object.fromEntries(plans.map((j) => [j.data.runId, j.opts.priority]))).toEqual({
      [nightly.runId]: 10,
      [refreshRunId as string]: 1,
    });

    // Both planned: 20 nightly batches (priority 10) and 1 refresh batch (priority 1) wait in the queue.
    await planWaitingRuns(install, [nightly.runId, refreshRunId as string]);
    const queued = await batches.getJobs(['prioritized', 'waiting']);
    expect(queued).toHaveLength(ENTITIES / BATCH + 1);
    expect(queued.filter((j) => j.data.runId === refreshRunId).map((j) => j.opts.priority)).toEqual([1]);

    const worker = await startWorkerChild(install, ['--concurrency', '1']);
    const refreshRun = await finishedRun(install, refreshRunId as string);
    const nightlyRun = await finishedRun(install, nightly.runId);
    expect(refreshRun).toMatchObject({ trigger: 'refresh', scope: [KEY], counts: { seen: 1, failed: 0 } });
    expect(nightlyRun.counts).toMatchObject({ seen: ENTITIES, failed: 0 });

    // One batch at a time: the refresh's batch was the first one taken, before every nightly batch.
    const done = await batches.getCompleted(0, -1);
    expect(done).toHaveLength(ENTITIES / BATCH + 1);
    const refreshBatch = done.find((j) => j.data.runId === refreshRunId);
    const nightlyBatches = done.filter((j) => j.data.runId === nightly.runId);
    expect(refreshBatch?.processedBy).toBe(`factsync-worker-${worker.pid}`);
    const nightlyStarts = nightlyBatches.map((j) => j.processedOn ?? 0);
    expect(refreshBatch?.finishedOn).toBeLessThanOrEqual(Math.min(...nightlyStarts));
    expect(Date.parse(refreshRun.finishedAt ?? '')).toBeLessThan(Date.parse(nightlyRun.finishedAt ?? ''));
    // The nightly batch that holds the refreshed entity also ran, after the refresh.
    const itsNightlyBatch = nightlyBatches.find((j) => j.data.index === Math.floor(195 / BATCH));
    expect(itsNightlyBatch?.finishedOn).toBeGreaterThan(refreshBatch?.finishedOn ?? Infinity);

    // Once the refresh is done, the entity may be refreshed again.
    const third = await runCli(args, install.env);
    expect(third.code).toBe(0);
    const thirdRunId = /^queued run (\S+) for gen-195$/m.exec(third.stdout)?.[1];
    expect(thirdRunId, third.stdout + third.stderr).toBeDefined();
    expect(third.stderr).not.toContain('no worker is running');
    expect((await finishedRun(install, thirdRunId as string)).counts).toMatchObject({ seen: 1 });
  }, 150_000);
});
