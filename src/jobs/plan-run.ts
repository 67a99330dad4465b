// The `plan-run` job: the planner chooses how the run finds what changed (planner.ts), then the job
// streams the local store into `sync-batch` jobs, children of the run's finalise job — one per batch,
// each record's key claimed first come, first served — and counts what the next run's planner
// estimates from. Unreadable records are listed in Redis for the finalise job.

import type { Job } from 'bullmq';
import { type KeyClaims, planBatches } from '../local/read/plan.js';
import type { RunPlanRecord } from '../model/run.js';
import { emptyRun } from '../model/run.js';
import { BATCH_QUEUE, jobIds, runKeys, TTL } from '../redis-keys.js';
import { classOf } from '../sources/http-gate.js';
import { spentRequests } from '../sync/budget.js';
import { claimKeys } from './key-claims.js';
import { planRun } from './planner.js';
import { type JobPayloads, jobOptions, openQueue, PRIORITY } from './queues.js';
import { keepDroppedRequests, runRequestHooks, type Tally } from './run-scope.js';
import type { Runtime } from './runtime.js';

const UNREADABLE_KEPT = 10_000;

/** The run's key claims (key-claims.ts), first come, first served in read order. */
function keyClaims(runtime: Runtime, runId: string): KeyClaims {
  const hash = runKeys(runtime.settings.prefix, runId).claims;
  return (records) => claimKeys(runtime.redis, hash, runtime.local, records);
}

/** What the plan job tells the finalise job. */
export interface PlanSummary {
  batches: number;
  unreadable: number;
  plan: RunPlanRecord;
  /** The planner's own requests (the change feeds). */
  requests: Tally;
}

/** `plan-run`: streams the local store into batch jobs, children of the run's finalise job. */
export async function processPlan(job: Job<JobPayloads['plan-run']>, runtime: Runtime): Promise<PlanSummary> {
  const spec = job.data;
  const parent = job.parent;
  if (!parent?.id) throw new Error(`plan job ${job.id} has no parent run`);
  const startedAt = new Date().toISOString();
  await runtime.store.saveRun(emptyRun(spec.runId, spec.trigger, startedAt, spec.scope));
  const tally: Tally = {};
  // The planner's requests (the change feeds) go through its own view of the client: counted for the
  // run, and a refresh's ahead of nightly work at the gate.
  const sources = runtime.sources.with({
    ...runRequestHooks(runtime, spec.runId, tally),
    requestClass: classOf(spec.trigger),
  });
  const planned = await planRun(runtime, sources, spec, runtime.clock?.() ?? Date.now()).catch(
    async (error: unknown) => {
      await keepDroppedRequests(runtime, spec.runId, tally);
      throw error;
    },
  );
  if (planned.batch.quota) {
    const spent = spentRequests(tally);
    await runtime.redis.set(planned.batch.quota, planned.record.budget.run - spent, 'EX', TTL.run);
  }
  runtime.log.info(
    {
      runId: spec.runId,
      strategy: planned.record.strategy,
      reason: planned.record.reason,
      feeds: planned.record.feeds,
    },
    'run planned',
  );
  const batches = openQueue(runtime.settings, BATCH_QUEUE);
  const unreadableKey = runKeys(runtime.settings.prefix, spec.runId).unreadable;
  // A plan job run again after a crash starts its list of unreadable records afresh.
  await runtime.redis.del(unreadableKey);
  let [count, unreadable, entities, pages] = [0, 0, 0, 0];
  let pending: Parameters<typeof batches.addBulk>[0] = [];
  const flush = async (finished: boolean) => {
    if (pending.length > 0) await batches.addBulk(pending);
    pending = [];
    await runtime.progress.planned(spec.runId, count, unreadable, finished);
  };
  try {
    const scope = spec.scope ? new Set(spec.scope) : undefined;
    const claimKeys = keyClaims(runtime, spec.runId);
    // Counted on the way, for the next run's planner: records with a Wikipedia page.
    const claim: KeyClaims = async (records) => {
      pages += records.filter((r) => r.wikipedia).length;
      return claimKeys(records);
    };
    const size =
      planned.batch.strategy === 'feed' ? runtime.config.sync.feedBatchSize : runtime.config.sync.batchSize;
    for await (const item of planBatches(runtime.local, size, scope, claim)) {
      if ('error' in item) {
        unreadable++;
        if (unreadable <= UNREADABLE_KEPT)
          await runtime.redis.rpush(unreadableKey, JSON.stringify(item.error));
        continue;
      }
      pending.push({
        name: 'sync-batch',
        data: {
          ...spec,
          batch: item.batch,
          index: count,
          plan: planned.batch,
        } satisfies JobPayloads['sync-batch'],
        opts: jobOptions(runtime.settings, {
          jobId: jobIds.batch(spec.runId, count),
          parent: { id: parent.id, queue: parent.queueKey },
          priority: PRIORITY[spec.trigger],
          ignoreDependencyOnFailure: true,
        }),
      });
      count++;
      entities += item.count;
      if (pending.length >= 200) await flush(false);
    }
    await flush(true);
    await runtime.redis.expire(unreadableKey, TTL.run);
  } finally {
    await batches.close();
  }
  // What the next run's planner estimates from.
  if (!spec.scope?.length) {
    const meta = await runtime.changes.meta();
    await runtime.changes.saveMeta({ ...meta, entities, pages });
  }
  return { batches: count, unreadable, plan: planned.record, requests: tally };
}
