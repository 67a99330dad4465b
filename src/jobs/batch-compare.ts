// The work of a `sync-batch` job (sync-batch.ts), without BullMQ: its records are read and triaged a
// chunk at a time (the unchanged touched and let go), the run's budget is drawn on, a revision check
// (items and pages, no content) tells which of the rest changed since the last run, and only those are
// fetched, compared and reconciled (sync-entities.ts); then the entities' sync state and the change
// index are settled. The decisions are src/sync's (triage, state, budget, counts); this file does their I/O.

import { inScope, recordLocation } from '../local/read/plan.js';
import type { LocalRecord } from '../model/record.js';
import { recordHash } from '../model/record-hash.js';
import { runKeys } from '../redis-keys.js';
import type { RemoteSources } from '../sources/index.js';
import { expectedRequests, titlesPerRequest } from '../sync/budget.js';
import { addCounts, type SyncCounts } from '../sync/counts.js';
import { checkedState, type EntityState, needsFetch, nextState, verifiedState } from '../sync/state.js';
import {
  emptyTriage,
  type Hits,
  indexEntries,
  pageKey,
  pageKeys,
  type Triage,
  triage,
} from '../sync/triage.js';
import { fetchPages } from './fetch-pages.js';
import type { BatchPlan, JobPayloads } from './queues.js';
import type { Tally } from './run-scope.js';
import type { Runtime } from './runtime.js';
import { type BatchResult, emptyBatchResult, type SyncedBatch, syncEntities } from './sync-entities.js';

/**
 * What a batch job returns to its run: counts only (proposals are in the store), and the first of the
 * entities behind them (`waitingCount` counts them all; `waiting` lists the first).
 */
export interface BatchSummary extends BatchResult {
  /** What the batch drew on the run's budget before it started. */
  expectedRequests: number;
  requests: Tally;
}

/** Records a batch triages at a time: only those with work to do are kept past their chunk. */
const CHUNK = 500;

/**
 * The batch's records, a chunk at a time as they are read. Unreadable records were reported when the
 * run was planned; a record whose key an earlier record claimed was reported by the planner too, and a
 * JSONL range may still hold it, so it is left out here.
 */
async function* recordChunks(
  runtime: Runtime,
  data: JobPayloads['sync-batch'],
): AsyncGenerator<LocalRecord[]> {
  const scope = data.scope ? new Set(data.scope) : undefined;
  const claims = runKeys(runtime.settings.prefix, data.runId).claims;
  const owned = async (records: LocalRecord[]) => {
    const owners = await runtime.redis.hmget(claims, ...records.map((r) => r.key));
    return records.filter((record, index) => {
      const owner = owners[index];
      return owner === null || owner === undefined || owner === recordLocation(runtime.local, record);
    });
  };
  let chunk: LocalRecord[] = [];
  for await (const result of runtime.local.batch(data.batch)) {
    if (result.ok && inScope(result.record, scope)) chunk.push(result.record);
    if (chunk.length >= CHUNK) {
      const kept = await owned(chunk);
      chunk = [];
      if (kept.length > 0) yield kept;
    }
  }
  if (chunk.length > 0) {
    const kept = await owned(chunk);
    if (kept.length > 0) yield kept;
  }
}

/** Fetches and compares `records` a request's worth (`size`) at a time: memory holds one chunk's items. */
async function syncInChunks(
  records: readonly LocalRecord[],
  size: number,
  ...rest: Parameters<typeof syncEntities> extends [unknown, ...infer R] ? R : never
): Promise<SyncedBatch> {
  const total: SyncedBatch = { ...emptyBatchResult(), revisions: new Map() };
  for (let start = 0; start < records.length; start += size) {
    const part = await syncEntities(records.slice(start, start + size), ...rest);
    Object.assign(total, addCounts(total, part));
    total.failures.push(...part.failures);
    total.warnings.push(...part.warnings);
    total.waiting.push(...part.waiting);
    for (const [key, revisions] of part.revisions) total.revisions.set(key, revisions);
  }
  return total;
}

/**
 * Triages the batch's records a chunk at a time as they are read — the unchanged touched and let go —
 * then checks and fetches the rest, through `sources` (the job's own: its requests are counted for it).
 * `claimed` gets the keys and QIDs of a refresh's records.
 */
export async function compareChanged(
  data: JobPayloads['sync-batch'],
  runtime: Runtime,
  sources: RemoteSources,
  claimed: string[],
): Promise<BatchSummary> {
  const { config, store, state, changes } = runtime;
  const now = () => new Date().toISOString();
  const summary: BatchSummary = { ...emptyBatchResult(), expectedRequests: 0, requests: {} };
  const count = (part: Partial<SyncCounts>) => Object.assign(summary, addCounts(summary, part));
  const plan: BatchPlan = data.plan ?? { strategy: 'sweep' };

  const work: Triage = emptyTriage();
  const previous = new Map<string, EntityState>();
  const hashes = new Map<string, string>();
  for await (const chunk of recordChunks(runtime, data)) {
    count({ entities: chunk.length });
    if (data.trigger === 'refresh') claimed.push(...chunk.flatMap((r) => [r.key, r.qid]));
    const chunkHashes = new Map(chunk.map((r) => [r.key, recordHash(r, config.fields)]));
    const chunkPrevious = await state.get(chunk.map((r) => r.key));
    const hits: Hits =
      plan.strategy === 'feed' && !data.full
        ? await changes.hits(
            chunk.flatMap((r) => indexEntries(r, chunkPrevious.get(r.key)).qids),
            chunk.flatMap((r) => pageKeys(r, chunkPrevious.get(r.key))),
          )
        : { items: new Map(), pages: new Map() };
    const part = triage(chunk, {
      previous: chunkPrevious,
      hashes: chunkHashes,
      plan,
      full: data.full === true,
      hits,
      batchIndex: data.index,
      now: now(),
    });
    // Every record the triage did not find unchanged: it has work to do in this batch.
    const toDo = [...part.fetch, ...part.check, ...part.verify];
    for (const record of toDo) {
      const prev = chunkPrevious.get(record.key);
      if (prev) previous.set(record.key, prev);
      hashes.set(record.key, chunkHashes.get(record.key) as string);
    }
    work.fetch.push(...part.fetch);
    work.check.push(...part.check);
    work.verify.push(...part.verify);
    // The index the feed is matched against, and the hits that were old news. An unchanged entity's
    // names went into the index when it was last compared (and come back from the store when Redis
    // loses it, index-restore.ts): only the others are added, not a million names every night.
    const entries = toDo.map((r) => indexEntries(r, chunkPrevious.get(r.key)));
    await changes.remember(
      entries.flatMap((e) => e.qids),
      entries.flatMap((e) => e.pages),
    );
    await changes.settle(part.stale.qids, part.stale.pages);
    // Nothing changed for these: their findings stand, so their proposals were seen again in this run.
    if (part.unchanged.length > 0) {
      const seen = await store.touch(
        part.unchanged.map((r) => r.key),
        { runId: data.runId, time: now() },
      );
      count({ unchanged: part.unchanged.length, seen });
    }
  }
  if (summary.entities === 0) return summary;

  // The run's budget: a batch that would overdraw it leaves its entities for the next run.
  const pending = [...work.fetch, ...work.check, ...work.verify];
  const languages = new Set(pending.flatMap((r) => (r.wikipedia ? [r.wikipedia.lang] : []))).size;
  const size = titlesPerRequest(config.sync.batchSize, sources.limits.titles);
  const expected = expectedRequests(
    { fetch: work.fetch.length, check: work.check.length, verify: work.verify.length },
    languages,
    size,
  );
  if (plan.quota && expected > 0) {
    const left = await runtime.redis.decrby(plan.quota, expected);
    if (left < 0) {
      await runtime.redis.incrby(plan.quota, expected);
      // A sweep moves the feed's starting point past these: they must be fetched whatever it says.
      if (plan.strategy === 'sweep') await changes.markPending(pending.map((r) => r.qid));
      return { ...summary, deferred: pending.length, deferredRequests: expected };
    }
    summary.expectedRequests = expected;
  }

  // Revision checks: which of the checked entities moved.
  const fetch = [...work.fetch];
  const confirmed: LocalRecord[] = [];
  const checked = [...work.check, ...work.verify];
  const [revisions, checkedPages] = await Promise.all([
    checked.length > 0 ? sources.wikidata.revisions(checked.map((r) => r.qid)) : undefined,
    work.check.length > 0 ? fetchPages(work.check, sources.wikipedia) : undefined,
  ]);
  const revisionFailed = new Set<string>(revisions?.failures.flatMap((failure) => failure.ids) ?? []);
  for (const record of checked) {
    const prev = previous.get(record.key) as EntityState;
    const key = pageKey(record);
    const sweeping = plan.strategy === 'sweep';
    const seen = checkedState(
      prev,
      { qid: record.qid, recordHash: hashes.get(record.key) as string },
      {
        itemRev: revisions?.found.get(record.qid)?.lastrevid,
        page: key ? checkedPages?.pages.get(key) : undefined,
        sweep: sweeping,
      },
    );
    const pageFailed = sweeping && key !== undefined && checkedPages?.failed.has(key);
    if (revisionFailed.has(record.qid) || pageFailed || needsFetch(prev, seen, now())) fetch.push(record);
    else confirmed.push(record);
  }

  const result = await syncInChunks(
    fetch,
    size,
    data.runId,
    {
      ...sources,
      store,
      fields: config.fields,
      languages: config.languages,
      compare: config.compare,
      maxReferencedItems: config.wikidata.maxReferencedItems,
      coolingOffHours: config.review.coolingOffHours,
      now,
      recordHashes: hashes,
    },
    checkedPages,
  );
  const failedKeys = new Set(result.failures.map((f) => f.entity));
  const settled = new Map<string, EntityState>();
  const time = now();
  for (const record of fetch) {
    if (failedKeys.has(record.key)) continue;
    const fetched = result.revisions.get(record.key) ?? {};
    settled.set(
      record.key,
      nextState({ qid: record.qid, recordHash: hashes.get(record.key) as string, ...fetched }, time),
    );
  }
  for (const record of confirmed)
    settled.set(record.key, verifiedState(previous.get(record.key) as EntityState, time));
  await state.set(settled);

  // The hits now dealt with, and the redirects and moves the fetches found.
  const compared = fetch.filter((r) => settled.has(r.key));
  const found = compared.map((r) => indexEntries(r, settled.get(r.key)));
  await changes.remember(
    found.flatMap((e) => e.qids),
    found.flatMap((e) => e.pages),
  );
  await changes.settle(
    compared.flatMap((r) => indexEntries(r, previous.get(r.key)).qids),
    compared.flatMap((r) => pageKeys(r, previous.get(r.key))),
  );
  // Failed in a sweep: the feed will not show these again.
  if (plan.strategy === 'sweep' && failedKeys.size > 0)
    await changes.markPending(fetch.filter((r) => failedKeys.has(r.key)).map((r) => r.qid));

  // Verified unchanged: their findings stand, so their proposals were seen again in this run.
  const seenAgain =
    confirmed.length > 0
      ? await store.touch(
          confirmed.map((r) => r.key),
          { runId: data.runId, time },
        )
      : 0;
  return {
    ...summary,
    ...addCounts(summary, result, { unchanged: confirmed.length, verified: checked.length, seen: seenAgain }),
    failures: result.failures,
    warnings: result.warnings,
    waiting: result.waiting,
    requests: {},
  };
}
