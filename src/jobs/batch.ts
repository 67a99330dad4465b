// The `sync-batch` job: up to 50 entities. A revision check (items and pages, no content) tells which
// changed since the last run or whose local record changed; only those are fetched, compared and
// reconciled. A batch that could not reach everything is retried; on its last attempt it returns its
// failures instead, so the run's report lists them and the run goes on. A batch that met a host the run
// cannot reach at all is not retried: every attempt would fail at once on it (run-scope.ts).

import type { Job } from 'bullmq';
import { isDue } from '../model/plan.js';
import type { ProposalKind } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import { requestScope, type Tally } from '../sources/http.js';
import { classOf, requestClass } from '../sources/http-gate.js';
import { inScope, recordLocation } from '../sources/local/plan.js';
import type { Hits } from './change-index.js';
import { fetchPages, pageKey } from './fetch-pages.js';
import type { BatchPlan, JobPayloads } from './queues.js';
import { keysHash } from './run.js';
import { keepDroppedRequests, runRequestScope } from './run-scope.js';
import type { Runtime } from './runtime.js';
import {
  type EntityState,
  needsFetch,
  nextState,
  type Observed,
  recordHash,
  verifiedState,
  waitOver,
} from './state.js';
import { type BatchResult, emptyBatchResult, type SyncedBatch, syncBatch } from './sync-batch.js';

/** What a batch job returns to its run: counts only (proposals are in the store). */
export interface BatchSummary extends BatchResult {
  entities: number;
  unchanged: number;
  /** Entities whose revisions were checked (a sweep, or the rolling verification). */
  verified: number;
  /** Entities left for a later run: the run's request budget was spent. */
  deferred: number;
  /** The requests they would have needed. */
  deferredRequests: number;
  /** What the batch drew on the run's budget before it started. */
  expectedRequests: number;
  /** Fields left for a later run by the cooling-off (`waiting` lists the first of them). */
  waitingCount?: number;
  requests: Tally;
}

/** Thrown to have BullMQ retry a batch that could not reach all its entities. */
export class BatchIncompleteError extends Error {
  readonly code = 'BATCH_INCOMPLETE';
}

const MAX_FAILURES_RETURNED = 50;

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
  const owned = async (records: LocalRecord[]) => {
    const owners = await runtime.redis.hmget(keysHash(runtime, data.runId), ...records.map((r) => r.key));
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

export async function processBatch(
  job: Job<JobPayloads['sync-batch']>,
  runtime: Runtime,
): Promise<BatchSummary> {
  const data = job.data;
  const log = runtime.log.child({ runId: data.runId, jobId: job.id, batch: data.index });
  const tally: Tally = {};
  const claimed: string[] = [];
  const summary = await requestScope
    .run(runRequestScope(runtime, data.runId, tally), () =>
      requestClass.run(classOf(data.trigger), () => compareChanged(data, runtime, claimed)),
    )
    .catch(async (error: unknown) => {
      await keepDroppedRequests(runtime, data.runId, tally);
      throw error;
    });
  summary.requests = tally;
  // The budget was drawn on by the estimate; settle it with what was spent.
  const spent = Object.values(tally).reduce((sum, t) => sum + t.requests, 0);
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
  summary.waitingCount = summary.waiting.length;
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

/** What a batch does with each entity, before any request. */
interface Triage {
  /** Fetched and compared: new, edited locally, or the feed saw a change. */
  readonly fetch: LocalRecord[];
  /** Revision check of item and page, fetched if either moved (sweep). */
  readonly check: LocalRecord[];
  /** Revision check of the item (rolling verification of a feed run), fetched if it moved. */
  readonly verify: LocalRecord[];
  /** Nothing to do: the feed saw no change and the entity is not due for verification. */
  readonly unchanged: LocalRecord[];
  /** Hits that were old news (the entity was compared after them). */
  readonly stale: { qids: string[]; pages: string[] };
}

function triage(
  records: readonly LocalRecord[],
  previous: ReadonlyMap<string, EntityState>,
  hashes: ReadonlyMap<string, string>,
  plan: BatchPlan,
  full: boolean,
  hits: Hits,
  batchIndex: number,
  now: string,
): Triage {
  const out: Triage = { fetch: [], check: [], verify: [], unchanged: [], stale: { qids: [], pages: [] } };
  for (const record of records) {
    const prev = previous.get(record.key);
    const changedHere = !prev || prev.qid !== record.qid || prev.recordHash !== hashes.get(record.key);
    // A field that waited out a recent edit is compared once the edit is old enough, feed or not.
    if (full || changedHere || waitOver(prev, now)) {
      out.fetch.push(record);
      continue;
    }
    if (plan.strategy === 'sweep') {
      out.check.push(record);
      continue;
    }
    const newer = (rev: number | undefined, known: number | undefined) =>
      rev !== undefined && (rev === 0 || rev > (known ?? 0));
    const itemHit = hits.items.get(record.qid) ?? (prev.target ? hits.items.get(prev.target) : undefined);
    const pages = pageKeys(record, prev);
    const pageHit = pages.map((key) => hits.pages.get(key)).find((rev) => rev !== undefined);
    if (newer(itemHit, prev.itemRev) || newer(pageHit, prev.pageRev)) out.fetch.push(record);
    else {
      if (itemHit !== undefined) out.stale.qids.push(record.qid, ...(prev.target ? [prev.target] : []));
      if (pageHit !== undefined) out.stale.pages.push(...pages);
      const due =
        plan.verification && isDue(batchIndex, prev.verifiedAt ?? prev.checkedAt, plan.verification);
      (due ? out.verify : out.unchanged).push(record);
    }
  }
  return out;
}

/** The "lang:title" names a record's page goes by: the local title, and the one it redirects to. */
function pageKeys(record: LocalRecord, state?: Pick<EntityState, 'pageTitle'>): string[] {
  const key = pageKey(record);
  if (!key || !record.wikipedia) return [];
  return state?.pageTitle ? [key, `${record.wikipedia.lang}:${state.pageTitle}`] : [key];
}

/** The page's revision and item, without the keys it has no value for. */
function pageFacts(from: { pageRev?: number | undefined; pageItem?: string | undefined }) {
  return {
    ...(from.pageRev === undefined ? {} : { pageRev: from.pageRev }),
    ...(from.pageItem === undefined ? {} : { pageItem: from.pageItem }),
  };
}

/** Requests a batch is expected to need: what it asks of the run's budget before it starts. */
function expectedRequests(work: Triage, languages: number, size: number): number {
  const requests = (n: number, perChunk: number) => Math.ceil(n / size) * perChunk;
  return (
    requests(work.fetch.length, 2 + languages) +
    requests(work.check.length, 1 + languages) +
    requests(work.verify.length, 1)
  );
}

/** Fetches and compares `records` a request's worth (`size`) at a time: memory holds one chunk's items. */
async function syncInChunks(
  records: readonly LocalRecord[],
  size: number,
  ...rest: Parameters<typeof syncBatch> extends [unknown, ...infer R] ? R : never
): Promise<SyncedBatch> {
  const total: SyncedBatch = { ...emptyBatchResult(), revisions: new Map() };
  for (let start = 0; start < records.length; start += size) {
    const part = await syncBatch(records.slice(start, start + size), ...rest);
    total.fetched += part.fetched;
    total.failed += part.failed;
    total.created += part.created;
    total.seen += part.seen;
    total.resolved += part.resolved;
    total.superseded += part.superseded;
    total.failures.push(...part.failures);
    total.warnings.push(...part.warnings);
    total.waiting.push(...part.waiting);
    for (const [kind, n] of Object.entries(part.findings))
      total.findings[kind as ProposalKind] = (total.findings[kind as ProposalKind] ?? 0) + (n ?? 0);
    for (const [key, revisions] of part.revisions) total.revisions.set(key, revisions);
  }
  return total;
}

/** The QIDs (and the items they redirect to) and pages a record goes by, for the feed's index. */
function indexEntries(record: LocalRecord, state: Pick<EntityState, 'target' | 'pageTitle'> | undefined) {
  const qids = state?.target ? [record.qid, state.target] : [record.qid];
  const pages = record.wikipedia
    ? state?.pageTitle
      ? [record.wikipedia, { lang: record.wikipedia.lang, title: state.pageTitle }]
      : [record.wikipedia]
    : [];
  return { qids, pages };
}

/**
 * Triages the batch's records a chunk at a time as they are read — the unchanged touched and let go —
 * then checks and fetches the rest. `claimed` gets the keys and QIDs of a refresh's records.
 */
async function compareChanged(
  data: JobPayloads['sync-batch'],
  runtime: Runtime,
  claimed: string[],
): Promise<BatchSummary> {
  const { config, sources, store, state, changes } = runtime;
  const now = () => new Date().toISOString();
  const summary: BatchSummary = {
    ...emptyBatchResult(),
    entities: 0,
    unchanged: 0,
    verified: 0,
    deferred: 0,
    deferredRequests: 0,
    expectedRequests: 0,
    requests: {},
  };
  const plan: BatchPlan = data.plan ?? { strategy: 'sweep' };

  const work: Triage = { fetch: [], check: [], verify: [], unchanged: [], stale: { qids: [], pages: [] } };
  const previous = new Map<string, EntityState>();
  const hashes = new Map<string, string>();
  let [untouched, touchedSeen] = [0, 0];
  for await (const chunk of recordChunks(runtime, data)) {
    summary.entities += chunk.length;
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
    const part = triage(chunk, chunkPrevious, chunkHashes, plan, data.full === true, hits, data.index, now());
    for (const record of [...part.fetch, ...part.check, ...part.verify]) {
      const prev = chunkPrevious.get(record.key);
      if (prev) previous.set(record.key, prev);
      hashes.set(record.key, chunkHashes.get(record.key) as string);
    }
    work.fetch.push(...part.fetch);
    work.check.push(...part.check);
    work.verify.push(...part.verify);
    // The index the feed is matched against, and the hits that were old news.
    const entries = chunk.map((r) => indexEntries(r, chunkPrevious.get(r.key)));
    await changes.remember(
      entries.flatMap((e) => e.qids),
      entries.flatMap((e) => e.pages),
    );
    await changes.settle(part.stale.qids, part.stale.pages);
    // Nothing changed for these: their findings stand, so their proposals were seen again in this run.
    if (part.unchanged.length > 0) {
      untouched += part.unchanged.length;
      touchedSeen += await store.touch(
        part.unchanged.map((r) => r.key),
        { runId: data.runId, time: now() },
      );
    }
  }
  summary.unchanged = untouched;
  summary.seen = touchedSeen;
  if (summary.entities === 0) return summary;

  // The run's budget: a batch that would overdraw it leaves its entities for the next run.
  const pending = [...work.fetch, ...work.check, ...work.verify];
  const languages = new Set(pending.flatMap((r) => (r.wikipedia ? [r.wikipedia.lang] : []))).size;
  const size = Math.min(config.sync.batchSize, sources.limits.titles);
  const expected = expectedRequests(work, languages, size);
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
  const observed = new Map<string, Observed>();
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
    const itemRev = revisions?.found.get(record.qid)?.lastrevid;
    const page = key ? checkedPages?.pages.get(key) : undefined;
    const seen: Observed = {
      qid: record.qid,
      recordHash: hashes.get(record.key) as string,
      ...(itemRev === undefined ? {} : { itemRev }),
      // A verification checks the item only: the page stands as it was.
      ...pageFacts(sweeping ? { pageRev: page?.lastrevid, pageItem: page?.wikibaseItem } : prev),
    };
    observed.set(record.key, seen);
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
  if (confirmed.length > 0) {
    result.seen += await store.touch(
      confirmed.map((r) => r.key),
      { runId: data.runId, time },
    );
  }
  const { revisions: _, ...counts } = result;
  return {
    ...summary,
    ...counts,
    seen: summary.seen + counts.seen,
    unchanged: summary.unchanged + confirmed.length,
    verified: checked.length,
    requests: {},
  };
}
