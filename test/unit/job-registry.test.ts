// The registry of jobs (src/jobs/registry.ts) as plain data: every job name has its queue, and a job
// that is not one of a queue's own fails before anything runs (no Redis, no store: the runtime is
// never touched).

import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BATCH_QUEUE, RUN_QUEUE } from '../../src/jobs/queues.js';
import { JOBS, processJob } from '../../src/jobs/registry.js';
import type { Runtime } from '../../src/jobs/runtime.js';

/** A job as BullMQ hands it to a worker, with only its name: a processor that ran would fail on it. */
const named = (name: string) => ({ name, data: {} }) as unknown as Job;
const noRuntime = {} as Runtime;

describe('the job registry', () => {
  it('runs start, plan and finalise on the runs queue, and batches on the batches queue', () => {
    expect(Object.fromEntries(Object.entries(JOBS).map(([name, job]) => [name, job.queue]))).toEqual({
      'start-run': RUN_QUEUE,
      'plan-run': RUN_QUEUE,
      'sync-batch': BATCH_QUEUE,
      'finalise-run': RUN_QUEUE,
    });
  });

  it('refuses a name that is no job of the queue it came on, naming both', async () => {
    await expect(processJob(RUN_QUEUE, named('nope'), noRuntime)).rejects.toThrow(
      'unknown job "nope" on the runs queue',
    );
    await expect(processJob(RUN_QUEUE, named('sync-batch'), noRuntime)).rejects.toThrow(
      'unknown job "sync-batch" on the runs queue',
    );
    await expect(processJob(BATCH_QUEUE, named('plan-run'), noRuntime)).rejects.toThrow(
      'unknown job "plan-run" on the batches queue',
    );
    await expect(processJob(BATCH_QUEUE, named('toString'), noRuntime)).rejects.toThrow(
      'unknown job "toString" on the batches queue',
    );
  });
});
