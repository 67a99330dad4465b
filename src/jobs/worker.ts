// Workers: one on the runs queue (start, plan, finalise) and one on the batches queue, each running a
// job with its processor from the registry (registry.ts). They stop gracefully: `close()` lets the jobs
// in hand finish within the deadline; past it, they are dropped and BullMQ hands them to another worker
// once their lock runs out — nothing is lost. A job meant for another store is refused: with a Redis
// prefix shared by two stores (set so by hand), a worker would otherwise run the other store's runs
// into its own store.

import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { BATCH_QUEUE, RUN_QUEUE } from './queues.js';
import { processJob } from './registry.js';
import type { Runtime } from './runtime.js';

export interface Workers {
  readonly run: Worker;
  readonly batch: Worker;
  /** Waits up to `deadlineMs` for the jobs in hand, then stops anyway. */
  close(deadlineMs: number): Promise<{ graceful: boolean }>;
}

export function startWorkers(runtime: Runtime, options: { concurrency: number; name?: string }): Workers {
  const { settings, config, log } = runtime;
  const common = {
    connection: settings.connection,
    prefix: settings.prefix,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.lockDurationMs,
    maxStalledCount: 2,
    ...(options.name ? { name: options.name } : {}),
  };
  const run = new Worker(
    RUN_QUEUE,
    async (job: Job) => {
      refuseOtherStore(job, runtime);
      return processJob(RUN_QUEUE, job, runtime);
    },
    { ...common, concurrency: 2 },
  );
  const batch = new Worker(
    BATCH_QUEUE,
    async (job: Job) => {
      refuseOtherStore(job, runtime);
      return processJob(BATCH_QUEUE, job, runtime);
    },
    {
      ...common,
      concurrency: options.concurrency,
    },
  );
  for (const worker of [run, batch]) {
    worker.on('failed', (job, error) =>
      log.warn({ jobId: job?.id, name: job?.name, err: error }, 'job failed'),
    );
    worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  }
  return {
    run,
    batch,
    async close(deadlineMs) {
      const graceful = Promise.all([run.close(), batch.close()]).then(() => true);
      const deadline = new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), deadlineMs).unref(),
      );
      const finished = await Promise.race([graceful, deadline]);
      if (!finished) await Promise.all([run.close(true), batch.close(true)]);
      return { graceful: finished };
    },
  };
}

/**
 * Fails a job of another store for good (UnrecoverableError: not retried — every try would be refused
 * alike), naming both stores. A start-run of a schedule an older factsync registered names no store: it
 * starts a run of this worker's store, as it did then; any other job without one is refused, since
 * nothing says which store it writes to.
 */
function refuseOtherStore(job: Job, runtime: Runtime): void {
  const data: { store?: string; runId?: string } = job.data;
  const mine = runtime.settings.store;
  if (data.store === mine || (data.store === undefined && job.name === 'start-run')) return;
  const what = `${job.name} job ${job.id}${data.runId ? ` of run ${data.runId}` : ''}`;
  const message =
    data.store === undefined
      ? `${what} names no store (queued by an older factsync); this worker serves ${mine}, so it refuses it: queue the run again`
      : `${what} is for store ${data.store}, but this worker serves ${mine}: refused. Two stores share the Redis prefix "${runtime.settings.prefix}"; unset redis.prefix (FACTSYNC_PREFIX) so each store gets its own, or give each store a different one`;
  runtime.log.error(
    { jobId: job.id, name: job.name, runId: data.runId, for: data.store, serves: mine },
    message,
  );
  throw new UnrecoverableError(message);
}
