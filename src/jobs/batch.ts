// The `sync-batch` job: up to 50 entities. A revision check (items and pages, no content) tells which
// changed since the last run or whose local record changed; only those are fetched, compared and
// reconciled. A batch that could not reach everything is retried; on its last attempt it returns its
// failures instead, so the run's report lists them and the run goes on.

import type { Job } from 'bullmq';
import { isDue } from '../model/plan.js';
import type { ProposalKind } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import { requestTally, type Tally } from '../sources/http.js';
import { inScope, recordLocation } from '../sources/local/plan.js';
import type { Hits } from './change-index.js';
import type { BatchPlan, JobPayloads } from './queues.js';
import { keysHash } from './run.js';
import type { Runtime } from './runtime.js';
import {
  type EntityState,
  needsFetch,
  nextState,
  type Observed,
  recordHash,
  verifiedState,
} from './state.js';
import {
  type BatchResult,
  emptyBatchResult,
  fetchPages,
  pageKey,
  type SyncedBatch,
  syncBatch,
} from './sync-batch.js';

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
  // The budget was drawn on by the estimate; settle it with what was spent.
  const spent = Object.values(tally).reduce((sum, t) => sum + t.requests, 0);
  if (data.plan?.quota && summary.expectedRequests !== spent)
    await runtime.redis.decrby(data.plan.quota, spent - summary.expectedRequests);
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
): Triage {
  const out: Triage = { fetch: [], check: [], verify: [], unchanged: [], stale: { qids: [], pages: [] } };
  for (const record of records) {
    const prev = previous.get(record.key);
    if (full || !prev || prev.qid !== record.qid || prev.recordHash !== hashes.get(record.key)) {
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
    for (const [kind, n] of Object.entries(part.findings))
      total.findings[kind as ProposalKind] = (total.findings[kind as ProposalKind] ?? 0) + (n ?? 0);
    for (const [key, revisions] of part.revisions) total.revisions.set(key, revisions);
  }
  return total;
}

async function compareChanged(
  records: LocalRecord[],
  data: JobPayloads['sync-batch'],
  runtime: Runtime,
): Promise<BatchSummary> {
  const { config, sources, store, state, changes } = runtime;
  const now = () => new Date().toISOString();
  const summary: BatchSummary = {
    ...emptyBatchResult(),
    entities: records.length,
    unchanged: 0,
    verified: 0,
    deferred: 0,
    deferredRequests: 0,
    expectedRequests: 0,
    requests: {},
  };
  if (records.length === 0) return summary;
  const plan: BatchPlan = data.plan ?? { strategy: 'sweep' };

  const hashes = new Map(records.map((r) => [r.key, recordHash(r, config.fields)]));
  const previous = await state.get(records.map((r) => r.key));
  const hits: Hits =
    plan.strategy === 'feed' && !data.full
      ? await changes.hits(
          records.flatMap((r) => {
            const target = previous.get(r.key)?.target;
            return target ? [r.qid, target] : [r.qid];
          }),
          records.flatMap((r) => pageKeys(r, previous.get(r.key))),
        )
      : { items: new Map(), pages: new Map() };
  const work = triage(records, previous, hashes, plan, data.full === true, hits, data.index);

  // The run's budget: a batch that would overdraw it leaves its entities for the next run.
  const languages = new Set(records.flatMap((r) => (r.wikipedia ? [r.wikipedia.lang] : []))).size;
  const size = Math.min(config.sync.batchSize, sources.limits.titles);
  const expected = expectedRequests(work, languages, size);
  if (plan.quota && expected > 0) {
    const left = await runtime.redis.decrby(plan.quota, expected);
    if (left < 0) {
      await runtime.redis.incrby(plan.quota, expected);
      const deferred = [...work.fetch, ...work.check, ...work.verify];
      // A sweep moves the feed's starting point past these: they must be fetched whatever it says.
      if (plan.strategy === 'sweep') await changes.markPending(deferred.map((r) => r.qid));
      return {
        ...summary,
        deferred: deferred.length,
        deferredRequests: expected,
        unchanged: work.unchanged.length,
      };
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
    if (revisionFailed.has(record.qid) || pageFailed || needsFetch(prev, seen)) fetch.push(record);
    else confirmed.push(record);
  }

  const result = await syncInChunks(
    fetch,
    size,
    data.runId,
    { ...sources, store, fields: config.fields, languages: config.languages, now },
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

  // The index the feed is matched against, and the hits now dealt with.
  const compared = fetch.filter((r) => settled.has(r.key));
  await changes.remember(
    records.flatMap((r) => {
      const target = settled.get(r.key)?.target ?? previous.get(r.key)?.target;
      return target ? [r.qid, target] : [r.qid];
    }),
    records.flatMap((r) => {
      if (!r.wikipedia) return [];
      const title = settled.get(r.key)?.pageTitle ?? previous.get(r.key)?.pageTitle;
      return title ? [r.wikipedia, { lang: r.wikipedia.lang, title }] : [r.wikipedia];
    }),
  );
  await changes.settle(
    [
      ...work.stale.qids,
      ...compared.flatMap((r) => {
        const t = previous.get(r.key)?.target;
        return t ? [r.qid, t] : [r.qid];
      }),
    ],
    [...work.stale.pages, ...compared.flatMap((r) => pageKeys(r, previous.get(r.key)))],
  );
  // Failed in a sweep: the feed will not show these again.
  if (plan.strategy === 'sweep' && failedKeys.size > 0)
    await changes.markPending(fetch.filter((r) => failedKeys.has(r.key)).map((r) => r.qid));

  // Nothing changed for these: their findings stand, so their proposals were seen again in this run.
  const unchanged = [...work.unchanged, ...confirmed];
  if (unchanged.length > 0) {
    result.seen += await store.touch(
      unchanged.map((r) => r.key),
      { runId: data.runId, time },
    );
  }
  const { revisions: _, ...counts } = result;
  return {
    ...summary,
    ...counts,
    unchanged: unchanged.length,
    verified: checked.length,
    entities: records.length,
    requests: {},
  };
}
