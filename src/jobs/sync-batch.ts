// The `sync-batch` job: up to 50 entities, compared by batch-compare.ts through the job's own view of
// the HTTP client (its requests counted for the run). A batch that could not reach everything is
// retried; on its last attempt it returns its failures instead, so the run's report lists them and the
// run goes on. A batch that met a host the run cannot reach at all is not retried: every attempt would
// fail at once on it (run-scope.ts). The requests of an attempt that is retried are kept for the run.

import type { Job } from 'bullmq';
import { classOf } from '../sources/http-gate.js';
import { spentRequests } from '../sync/budget.js';
import { type BatchSummary, compareChanged } from './batch-compare.js';
import type { JobPayloads } from './queues.js';
import { keepDroppedRequests, runRequestHooks, type Tally } from './run-scope.js';
import type { Runtime } from './runtime.js';

export type { BatchSummary };

/** Thrown to have BullMQ retry a batch that could not reach all its entities. */
export class BatchIncompleteError extends Error {
  readonly code = 'BATCH_INCOMPLETE';
}

const MAX_FAILURES_RETURNED = 50;

export async function processBatch(
  job: Job<JobPayloads['sync-batch']>,
  runtime: Runtime,
): Promise<BatchSummary> {
  const data = job.data;
  const log = runtime.log.child({ runId: data.runId, jobId: job.id, batch: data.index });
  const tally: Tally = {};
  const claimed: string[] = [];
  // The batch's requests go through its own view of the worker's client: counted for it, and a
  // refresh's ahead of nightly work at the gate.
  const sources = runtime.sources.with({
    ...runRequestHooks(runtime, data.runId, tally),
    requestClass: classOf(data.trigger),
  });
  const summary = await compareChanged(data, runtime, sources, claimed).catch(async (error: unknown) => {
    await keepDroppedRequests(runtime, data.runId, tally);
    throw error;
  });
  summary.requests = tally;
  // The budget was drawn on by the estimate; settle it with what was spent.
  const spent = spentRequests(tally);
  if (data.plan?.quota && summary.expectedRequests !== spent)
    await runtime.redis.decrby(data.plan.quota, spent - summary.expectedRequests);
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const unreachable = summary.failures.some((failure) => failure.code === 'HTTP_UNREACHABLE');
  if (summary.failed > 0 && !lastAttempt && !unreachable) {
    await keepDroppedRequests(runtime, data.runId, tally);
    log.warn(
      { failed: summary.failed, reason: summary.failures[0]?.reason },
      'batch incomplete; it will be retried',
    );
    throw new BatchIncompleteError(
      `${summary.failed} of ${summary.entities} entities could not be checked: ${summary.failures[0]?.reason ?? ''}`,
    );
  }
  summary.failures = summary.failures.slice(0, MAX_FAILURES_RETURNED);
  summary.warnings = summary.warnings.slice(0, MAX_FAILURES_RETURNED);
  summary.waiting = summary.waiting.slice(0, MAX_FAILURES_RETURNED);
  await runtime.progress.batchDone(data.runId, summary.entities);
  // Only a refresh releases a refresh's claim: a nightly batch of the same entity may run before it.
  if (data.trigger === 'refresh') await runtime.refreshes.done(claimed);
  log.debug(
    { entities: summary.entities, fetched: summary.fetched, unchanged: summary.unchanged },
    'batch done',
  );
  return summary;
}
