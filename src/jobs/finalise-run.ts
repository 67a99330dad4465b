// The `finalise-run` job, the parent of a run's flow (start-run.ts): once every child is done or has
// failed for good, it adds up the plan's and the batches' results (src/sync/counts.ts), the batches
// that failed whole and the records that could not be read, the requests of dropped attempts and the
// hosts found unreachable (run-scope.ts); then it saves the run record and writes the reports.

import type { Job } from 'bullmq';
import type { RunFailure, RunPlanRecord, RunRecord } from '../model/run.js';
import { emptyRun, finishedStatus } from '../model/run.js';
import { BATCH_QUEUE, runKeys } from '../redis-keys.js';
import { runProposalStream } from '../sinks/report/collect.js';
import { type ReportPaths, writeReports } from '../sinks/report/index.js';
import { backlogOf, recurringRequests, titlesPerRequest } from '../sync/budget.js';
import { addCounts, addRequests, emptyCounts, runTotals, type SyncCounts } from '../sync/counts.js';
import { holdIfAbnormal } from './breaker.js';
import type { PlanSummary } from './plan-run.js';
import { markFeedStart } from './planner.js';
import { type JobPayloads, openQueue } from './queues.js';
import { dropRunScope, runScopeResults } from './run-scope.js';
import type { Runtime } from './runtime.js';
import type { BatchSummary } from './sync-batch.js';

const FAILURES_KEPT = 1_000;

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
      const data: JobPayloads['sync-batch'] = job.data;
      for await (const result of runtime.local.batch(data.batch)) if (result.ok) total++;
    }
    return total;
  } finally {
    await batches.close();
  }
}
