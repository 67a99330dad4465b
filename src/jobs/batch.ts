// The `sync-batch` job: up to 50 entities. A revision check (items and pages, no content) tells which
// changed since the last run or whose local record changed; only those are fetched, compared and
// reconciled. A batch that could not reach everything is retried; on its last attempt it returns its
// failures instead, so the run's report lists them and the run goes on.

import type { Job } from 'bullmq';
import type { LocalRecord } from '../model/record.js';
import { requestTally, type Tally } from '../sources/http.js';
import { inScope, recordLocation } from '../sources/local/plan.js';
import type { JobPayloads } from './queues.js';
import { keysHash } from './run.js';
import type { Runtime } from './runtime.js';
import { type EntityState, needsFetch, nextState, type Observed, recordHash } from './state.js';
import { type BatchResult, emptyBatchResult, fetchPages, pageKey, syncBatch } from './sync-batch.js';

/** What a batch job returns to its run: counts only (proposals are in the store). */
export interface BatchSummary extends BatchResult {
  entities: number;
  unchanged: number;
  requests: Tally;
}

/** Thrown to have BullMQ retry a batch that could not reach all its entities. */
export class BatchIncompleteError extends Error {
  readonly code = 'BATCH_INCOMPLETE';
}

const MAX_FAILURES_RETURNED = 50;

async function loadRecords(runtime: Runtime, data: JobPayloads['sync-batch']): Promise<LocalRecord[]> {
  const scope = data.scope ? new Set(data.scope) : undefined;
  const records: LocalRecord[] = [];
  for await (const result of runtime.local.batch(data.batch)) {
    // Unreadable records were reported when the run was planned.
    if (result.ok && inScope(result.record, scope)) records.push(result.record);
  }
  if (records.length === 0) return records;
  // A record whose key an earlier record claimed was reported by the planner; a JSONL range may still
  // hold it, so it is left out here.
  const owners = await runtime.redis.hmget(keysHash(runtime, data.runId), ...records.map((r) => r.key));
  return records.filter((record, index) => {
    const owner = owners[index];
    return owner === null || owner === undefined || owner === recordLocation(runtime.local, record);
  });
}

export async function processBatch(
  job: Job<JobPayloads['sync-batch']>,
  runtime: Runtime,
): Promise<BatchSummary> {
  const data = job.data;
  const log = runtime.log.child({ runId: data.runId, jobId: job.id, batch: data.index });
  const records = await loadRecords(runtime, data);
  const tally: Tally = {};
  const summary = await requestTally.run(tally, () => compareChanged(records, data, runtime));
  summary.requests = tally;
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (summary.failed > 0 && !lastAttempt) {
    log.warn(
      { failed: summary.failed, reason: summary.failures[0]?.reason },
      'batch incomplete; it will be retried',
    );
    throw new BatchIncompleteError(
      `${summary.failed} of ${records.length} entities could not be checked: ${summary.failures[0]?.reason ?? ''}`,
    );
  }
  summary.failures = summary.failures.slice(0, MAX_FAILURES_RETURNED);
  await runtime.progress.batchDone(data.runId, records.length);
  // Only a refresh releases a refresh's claim: a nightly batch of the same entity may run before it.
  if (data.trigger === 'refresh') await runtime.refreshes.done(records.flatMap((r) => [r.key, r.qid]));
  log.debug(
    { entities: records.length, fetched: summary.fetched, unchanged: summary.unchanged },
    'batch done',
  );
  return summary;
}

async function compareChanged(
  records: LocalRecord[],
  data: JobPayloads['sync-batch'],
  runtime: Runtime,
): Promise<BatchSummary> {
  const { config, sources, store, state } = runtime;
  const now = () => new Date().toISOString();
  const summary: BatchSummary = {
    ...emptyBatchResult(),
    entities: records.length,
    unchanged: 0,
    requests: {},
  };
  if (records.length === 0) return summary;

  const hashes = new Map(records.map((r) => [r.key, recordHash(r, config.fields)]));
  const [previous, revisions, pages] = await Promise.all([
    state.get(records.map((r) => r.key)),
    sources.wikidata.revisions(records.map((r) => r.qid)),
    fetchPages(records, sources.wikipedia),
  ]);
  const observed = new Map<string, Observed>();
  const changed: LocalRecord[] = [];
  const unchanged: LocalRecord[] = [];
  const revisionFailed = new Set<string>(revisions.failures.flatMap((failure) => failure.ids));
  for (const record of records) {
    const key = pageKey(record);
    const seen: Observed = {
      qid: record.qid,
      recordHash: hashes.get(record.key) as string,
      ...(revisions.found.get(record.qid)?.lastrevid === undefined
        ? {}
        : { itemRev: revisions.found.get(record.qid)?.lastrevid }),
      ...(key && pages.pages.get(key)?.lastrevid !== undefined
        ? { pageRev: pages.pages.get(key)?.lastrevid }
        : {}),
    };
    observed.set(record.key, seen);
    const stale = data.full || revisionFailed.has(record.qid) || needsFetch(previous.get(record.key), seen);
    (stale ? changed : unchanged).push(record);
  }

  const result = await syncBatch(
    changed,
    data.runId,
    { ...sources, store, fields: config.fields, languages: config.languages, now },
    pages,
  );
  const failedKeys = new Set(result.failures.map((f) => f.entity));
  const settled = new Map<string, EntityState>();
  for (const record of changed) {
    if (!failedKeys.has(record.key))
      settled.set(record.key, nextState(observed.get(record.key) as Observed, now()));
  }
  await state.set(settled);
  // Nothing changed for these: their findings stand, so their proposals were seen again in this run.
  if (unchanged.length > 0) {
    result.seen += await store.touch(
      unchanged.map((r) => r.key),
      { runId: data.runId, time: now() },
    );
  }
  return {
    ...summary,
    ...result,
    unchanged: unchanged.length,
    entities: records.length,
    requests: {},
  };
}
