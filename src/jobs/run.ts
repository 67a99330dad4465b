// A run as a BullMQ flow. `startRun` adds the parent (`finalise-run`) with one child (`plan-run`); the
// plan job streams the local store and adds a `sync-batch` child per batch; when every child is done
// or has failed for good (`ignoreDependencyOnFailure`: a failed batch never holds the run up), the
// finalise job adds everything up (src/sync/counts.ts), saves the run record and writes the reports.

import { FlowProducer, type Job } from 'bullmq';
import { type KeyClaims, planBatches, recordLocation } from '../local/read/plan.js';
import type { RunFailure, RunPlanRecord, RunRecord, RunTrigger } from '../model/run.js';
import { emptyRun, finishedStatus } from '../model/run.js';
import { BATCH_QUEUE, jobIds, RUN_QUEUE, runKeys, TTL } from '../redis-keys.js';
import { runProposalStream } from '../sinks/report/collect.js';
import { type ReportPaths, writeReports } from '../sinks/report/index.js';
import { requestScope, type Tally } from '../sources/http.js';
import { classOf, requestClass } from '../sources/http-gate.js';
import { backlogOf, recurringRequests, spentRequests, titlesPerRequest } from '../sync/budget.js';
import { addCounts, addRequests, emptyCounts, runTotals, type SyncCounts } from '../sync/counts.js';
import type { BatchSummary } from './batch.js';
import { holdIfAbnormal } from './breaker.js';
import { markFeedStart, planRun } from './planner.js';
import {
  type JobPayloads,
  jobOptions,
  newRunId,
  openQueue,
  PRIORITY,
  type QueueSettings,
  type RunSpec,
} from './queues.js';
import { dropRunScope, keepDroppedRequests, runRequestScope, runScopeResults } from './run-scope.js';
import type { Runtime } from './runtime.js';

const UNREADABLE_KEPT = 10_000;
const FAILURES_KEPT = 1_000;

export interface StartedRun {
  readonly runId: string;
  readonly finaliseJobId: string;
}

/** Adds a run's flow; returns at once (workers do the rest). */
export async function startRun(
  settings: QueueSettings,
  spec: { trigger: RunTrigger; scope?: readonly string[]; full?: boolean; runId?: string },
): Promise<StartedRun> {
  const runId = spec.runId ?? newRunId();
  const data: RunSpec = {
    runId,
    store: settings.store,
    trigger: spec.trigger,
    ...(spec.scope?.length ? { scope: spec.scope } : {}),
    ...(spec.full ? { full: true } : {}),
  };
  const flows = new FlowProducer({ connection: settings.connection, prefix: settings.prefix });
  const finaliseJobId = jobIds.finalise(runId);
  try {
    await flows.add({
      name: 'finalise-run',
      queueName: RUN_QUEUE,
      data: { ...data, startedAt: new Date().toISOString() } satisfies JobPayloads['finalise-run'],
      opts: jobOptions(settings, { jobId: finaliseJobId }),
      children: [
        {
          name: 'plan-run',
          queueName: RUN_QUEUE,
          data: data satisfies JobPayloads['plan-run'],
          // A refresh is planned ahead of nightly work too, not only fetched ahead of it.
          opts: jobOptions(settings, {
            jobId: jobIds.plan(runId),
            priority: PRIORITY[spec.trigger],
            ignoreDependencyOnFailure: true,
          }),
        },
      ],
    });
  } finally {
    await flows.close();
  }
  return { runId, finaliseJobId };
}

/**
 * The run's key claims (runKeys.claims: key → where the first record with it is, `gen-6.md`,
 * `kb.jsonl:3`), first come, first served in read order; the planner reports later records with a
 * claimed key.
 */
function keyClaims(runtime: Runtime, runId: string): KeyClaims {
  const hash = runKeys(runtime.settings.prefix, runId).claims;
  return async (records) => {
    const claims = runtime.redis.multi();
    for (const record of records) claims.hsetnx(hash, record.key, recordLocation(runtime.local, record));
    claims.expire(hash, TTL.run);
    await claims.exec();
    const owners = await runtime.redis.hmget(hash, ...records.map((r) => r.key));
    return records.map((record, index) => {
      const owner = owners[index] ?? undefined;
      return owner === undefined || owner === null || owner === recordLocation(runtime.local, record)
        ? undefined
        : owner;
    });
  };
}

/** `plan-run`: streams the local store into batch jobs, children of the run's finalise job. */
/** What the plan job tells the finalise job. */
export interface PlanSummary {
  batches: number;
  unreadable: number;
  plan: RunPlanRecord;
  /** The planner's own requests (the change feeds). */
  requests: Tally;
}

export async function processPlan(job: Job<JobPayloads['plan-run']>, runtime: Runtime): Promise<PlanSummary> {
  const spec = job.data;
  const parent = job.parent;
  if (!parent?.id) throw new Error(`plan job ${job.id} has no parent run`);
  const startedAt = new Date().toISOString();
  await runtime.store.saveRun(emptyRun(spec.runId, spec.trigger, startedAt, spec.scope));
  const tally: Tally = {};
  const planned = await requestScope
    .run(runRequestScope(runtime, spec.runId, tally), () =>
      requestClass.run(classOf(spec.trigger), () => planRun(runtime, spec, runtime.clock?.() ?? Date.now())),
    )
    .catch(async (error: unknown) => {
      await keepDroppedRequests(runtime, spec.runId, tally);
      throw error;
    });
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

/** What finding the changes costs a run over the whole store, as the planner estimates it. */
async function recurringCost(runtime: Runtime, plan: RunPlanRecord | undefined): Promise<number> {
  const meta = await runtime.changes.meta();
  return recurringRequests({
    entities: meta.entities ?? 0,
    pages: meta.pages ?? 0,
    titlesPerRequest: titlesPerRequest(runtime.config.sync.batchSize, runtime.sources.limits.titles),
    languages: (await runtime.changes.languages()).length,
    feed: plan?.estimates.feed,
  });
}

/** The first of a list, at most FAILURES_KEPT in all. */
function keep<T>(list: T[] | undefined, more: readonly T[]): T[] {
  const kept = list ?? [];
  if (kept.length < FAILURES_KEPT) kept.push(...more.slice(0, FAILURES_KEPT - kept.length));
  return kept;
}

/** A batch's requests and the entities behind its failures, warnings and waiting fields. */
function addUp(run: RunRecord, summary: BatchSummary): void {
  run.requests = addRequests(run.requests, summary.requests);
  run.failures = keep(run.failures, summary.failures);
  // Batches finished before the warnings and the cooling-off existed return neither.
  if ((summary.waiting ?? []).length > 0) run.waiting = keep(run.waiting, summary.waiting);
  if ((summary.warnings ?? []).length > 0) run.warnings = keep(run.warnings, summary.warnings);
}

/** `finalise-run`: the run record from its children's results, then the reports. */
export async function processFinalise(
  job: Job<JobPayloads['finalise-run']>,
  runtime: Runtime,
): Promise<{ runId: string; reports: ReportPaths; run: RunRecord }> {
  const spec = job.data;
  const run =
    (await runtime.store.getRun(spec.runId)) ??
    emptyRun(spec.runId, spec.trigger, spec.startedAt, spec.scope);
  Object.assign(run, emptyRun(run.id, run.trigger, run.startedAt, run.scope));
  // A finalise that runs again (a retried job) adds the batches up afresh.
  delete run.warnings;
  delete run.waiting;
  let counts: SyncCounts = emptyCounts();
  let unreadableRecords = 0;
  for await (const value of childrenValues<BatchSummary | PlanSummary>(job)) {
    if (value && 'entities' in value) {
      addUp(run, value);
      counts = addCounts(counts, value);
    } else if (value && 'unreadable' in value) {
      unreadableRecords += value.unreadable;
      if (value.plan) run.plan = value.plan;
      if (value.requests) run.requests = addRequests(run.requests, value.requests);
    }
  }
  const keys = runKeys(runtime.settings.prefix, spec.runId);
  const unreadable = await runtime.redis.lrange(keys.unreadable, 0, FAILURES_KEPT);
  const readFailures: RunFailure[] = unreadable.map((text) => {
    const error = JSON.parse(text) as { file: string; line?: number; error: string };
    return {
      file: error.file,
      ...(error.line === undefined ? {} : { line: error.line }),
      reason: error.error,
      code: 'READ_ERROR',
    };
  });
  const failed = await job.getIgnoredChildrenFailures();
  const batchFailures: RunFailure[] = Object.entries(failed).map(([key, reason]) => ({
    reason: `${key.split(':').at(-1)}: ${reason}`,
    code: 'BATCH_FAILED',
  }));
  run.failures = [...batchFailures, ...readFailures, ...run.failures].slice(0, FAILURES_KEPT);
  // A batch that failed whole returned nothing: its entities were read all the same, and not compared.
  const lost = batchFailures.length > 0 ? await failedEntities(runtime, Object.keys(failed)) : 0;
  Object.assign(run, runTotals(addCounts(counts, { entities: lost, failed: lost }), unreadableRecords));
  const backlog =
    run.counts.deferred > 0
      ? backlogOf(run, counts.deferredRequests, await recurringCost(runtime, run.plan), Date.now())
      : undefined;
  if (backlog) run.backlog = backlog;
  const { dropped, unreachable: hosts } = await runScopeResults(runtime, spec.runId);
  run.requests = addRequests(run.requests, dropped);
  if (hosts.length > 0) run.unreachable = hosts;
  run.status = finishedStatus(run);
  run.finishedAt = new Date().toISOString();
  // Languages first linked during this run: their feeds start from when it started.
  if (!spec.scope?.length)
    await markFeedStart(
      runtime,
      Object.fromEntries(
        (await runtime.changes.languages()).map((lang) => [lang, Date.parse(spec.startedAt)]),
      ),
      { replace: false },
    );
  // The run's key claims and budget are no longer needed (a million keys would stay a week otherwise).
  await runtime.redis.del(keys.claims, keys.quota);
  await dropRunScope(runtime, spec.runId);
  // A refresh of an entity that is not in the local store has no batch to release its claim.
  if (spec.trigger === 'refresh' && spec.scope) await runtime.refreshes.done(spec.scope);
  await holdIfAbnormal(runtime.store, run, runtime.config.review);
  await runtime.store.saveRun(run);
  const reports = await writeReports(
    runtime.config.reports.dir,
    run,
    runProposalStream(runtime.store, run.id),
  );
  runtime.log.info(
    {
      runId: run.id,
      status: run.status,
      counts: run.counts,
      proposals: run.proposals,
      ...(run.unreachable ? { unreachable: run.unreachable } : {}),
      ...(run.held ? { held: run.held.reason } : {}),
      report: reports.html,
    },
    'run finished',
  );
  return { runId: run.id, reports, run };
}

/**
 * The children's results a page at a time (a million entities make 20,000 batches): HSCAN over the
 * parent's processed children; a key HSCAN gives twice is taken once.
 */
async function* childrenValues<T>(job: Job): AsyncGenerator<T> {
  const seen = new Set<string>();
  let cursor = 0;
  do {
    const page = await job.getDependencies({ processed: { cursor, count: 500 } });
    for (const [key, value] of Object.entries(page.processed ?? {})) {
      if (seen.has(key)) continue;
      seen.add(key);
      yield value as T;
    }
    cursor = Number(page.nextProcessedCursor ?? 0);
  } while (cursor !== 0);
}

/** How many entities the batches that failed for good held (read again from the local store). */
async function failedEntities(runtime: Runtime, keys: readonly string[]): Promise<number> {
  const batches = openQueue(runtime.settings, BATCH_QUEUE);
  try {
    let total = 0;
    for (const key of keys) {
      const job = await batches.getJob(key.split(':').at(-1) ?? '');
      if (!job) continue;
      for await (const result of runtime.local.batch((job.data as JobPayloads['sync-batch']).batch))
        if (result.ok) total++;
    }
    return total;
  } finally {
    await batches.close();
  }
}
