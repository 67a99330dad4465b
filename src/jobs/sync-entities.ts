// One batch of entities (up to 50): fetch their items, pages and referenced labels, diff each record,
// and reconcile its findings into the store. Knows nothing of BullMQ: the batch job calls it (through
// batch-compare.ts), and so can anything else. An entity whose remote data could not all be fetched is
// reported failed and left untouched in the store — reconciling it with partial data would resolve
// proposals wrongly. What it counts is a SyncCounts (src/sync/counts.ts); what each entity was at, its
// Revisions (src/sync/state.ts).

import { type DiffContext, diffRecord, referencedItems } from '../diff/index.js';
import type { FieldSpec } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import { languageItems } from '../model/languages.js';
import type { Finding } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import { recordHash } from '../model/record-hash.js';
import type { ItemLabels, ItemLookup, WikipediaPage } from '../model/remote.js';
import type { RunFailure, RunWaiting } from '../model/run.js';
import type { ProposalStore } from '../sinks/store.js';
import { StoreError } from '../sinks/store-rows.js';
import type { WikidataSource } from '../sources/wikidata.js';
import type { WikipediaSource } from '../sources/wikipedia.js';
import { addCounts, emptyCounts, findingsByKind, type SyncCounts } from '../sync/counts.js';
import type { Revisions } from '../sync/state.js';
import { pageKey } from '../sync/triage.js';
import { type Compared, coolOff } from './cooling-off.js';
import { completePages, type FetchedPages, type FetchProblem, problemOf } from './fetch-pages.js';

export interface BatchDeps {
  readonly wikidata: WikidataSource;
  readonly wikipedia: WikipediaSource;
  readonly store: ProposalStore;
  readonly fields: readonly FieldSpec[];
  readonly languages: readonly string[];
  /** config.compare: the distinguishing qualifiers and the items of the label languages. */
  readonly compare: {
    readonly qualifiers: readonly string[];
    readonly languageItems: Readonly<Record<string, string>>;
  };
  /** Referenced items an entity may have labels fetched for (config wikidata.maxReferencedItems). */
  readonly maxReferencedItems: number;
  /** review.coolingOffHours: fields edited more recently than this wait (0: off). */
  readonly coolingOffHours: number;
  readonly now: () => string;
  /** Record hashes the caller worked out already (by record key): each record is hashed once a run. */
  readonly recordHashes?: ReadonlyMap<string, string>;
}

/** What comparing entities came to: its counts, and the entities behind some of them. */
export interface BatchResult extends SyncCounts {
  failures: RunFailure[];
  /** Entities compared with something left out (more referenced items than the cap). */
  warnings: RunFailure[];
  /** Fields a recent edit touched, left for a later run. */
  waiting: RunWaiting[];
}

export function emptyBatchResult(): BatchResult {
  return { ...emptyCounts(), failures: [], warnings: [], waiting: [] };
}

/** Findings stamped with the record they were found against: apply writes over no record that changed since. */
const withRecordHash = (findings: readonly Finding[], hash: string): Finding[] =>
  findings.map((finding) => ({ ...finding, evidence: { ...finding.evidence, recordHash: hash } }));

export interface SyncedBatch extends BatchResult {
  /** By record key, for every entity compared. */
  readonly revisions: Map<string, Revisions>;
}

/** `pages`: Wikipedia pages fetched already (by a revision check), so they are not asked for twice. */
export async function syncEntities(
  records: readonly LocalRecord[],
  runId: string,
  deps: BatchDeps,
  pages?: FetchedPages,
): Promise<SyncedBatch> {
  const result: SyncedBatch = { ...emptyBatchResult(), revisions: new Map() };
  if (records.length === 0) return result;
  const count = (part: Partial<SyncCounts>) => Object.assign(result, addCounts(result, part));
  const fail = (record: LocalRecord, reason: string, code: string, url?: string) => {
    count({ failed: 1 });
    result.failures.push({ entity: record.key, ids: [record.qid], reason, code, ...(url ? { url } : {}) });
  };
  const failCompare = (record: LocalRecord, error: unknown) => {
    if (error instanceof StoreError && error.code === 'STORE_UNAVAILABLE') throw error;
    const code = (error as { code?: unknown }).code;
    fail(
      record,
      `could not be compared: ${(error as Error).message}`,
      typeof code === 'string' ? code : 'COMPARE_FAILED',
    );
  };
  const sites = [
    ...new Set([
      ...records.flatMap((r) => (r.wikipedia ? [`${r.wikipedia.lang}wiki`] : [])),
      `${deps.languages[0] ?? 'en'}wiki`,
    ]),
  ];
  const items = await deps.wikidata.fetchItems(
    records.map((r) => r.qid),
    sites,
  );
  const itemFailures = new Map<string, FetchProblem>();
  for (const failure of items.failures)
    for (const id of failure.ids) itemFailures.set(id, problemOf(failure));
  const { pages: pageOf, failed: pageFailures } = await completePages(records, deps.wikipedia, pages);

  // Labels of the items each record and its item refer to, at most maxReferencedItems an entity: an item
  // with thousands of values on one property must not spend the night fetching labels. The fields whose
  // values go unlabelled are left undecided (their proposals stand) and the run says so.
  const referenced = new Map<string, ItemId[]>();
  const wanted = new Set<ItemId>();
  for (const record of records) {
    const item = items.found.get(record.qid);
    const key = pageKey(record);
    const ids = referencedItems(
      record,
      item,
      deps.fields,
      key ? pageOf.get(key) : undefined,
      deps.compare.qualifiers,
    );
    const kept = ids.slice(0, deps.maxReferencedItems);
    if (ids.length > kept.length)
      result.warnings.push({
        entity: record.key,
        ids: [record.qid],
        reason: `${record.qid} refers to ${ids.length} items; labels of the first ${kept.length} were read (wikidata.maxReferencedItems), fields needing the others were not compared`,
        code: 'TOO_MANY_VALUES',
      });
    referenced.set(record.key, kept);
    for (const id of kept) wanted.add(id);
  }
  const labels = await deps.wikidata.labels([...wanted]);
  const labelFailed = new Map<string, FetchProblem>();
  for (const failure of labels.failures)
    for (const id of failure.ids) labelFailed.set(id, problemOf(failure));
  const known: ReadonlyMap<ItemId, ItemLabels> = labels.found;

  const ctx: DiffContext = {
    fields: deps.fields,
    languages: deps.languages,
    qualifiers: deps.compare.qualifiers,
    languageItems: languageItems(deps.languages, deps.compare.languageItems),
    retrievedAt: deps.now(),
    links: {
      item: (id, statement) => deps.wikidata.itemUrl(id, statement),
      page: (lang, title) => deps.wikipedia.pageUrl(lang, title),
    },
  };
  // Each record compared alone: what it is compared with does not depend on its neighbours.
  const compared: Array<Compared & { undecided: string[]; page?: WikipediaPage }> = [];
  for (const record of records) {
    const item: ItemLookup | undefined = items.found.get(record.qid);
    const key = pageKey(record);
    const labelProblem = (referenced.get(record.key) ?? [])
      .map((id) => labelFailed.get(id))
      .find((reason) => reason !== undefined);
    const reason = itemFailures.get(record.qid) ?? (key ? pageFailures.get(key) : undefined) ?? labelProblem;
    if (!item || reason) {
      fail(record, reason?.reason ?? 'the item was not fetched', reason?.code ?? 'FETCH_FAILED', reason?.url);
      continue;
    }
    const page = key ? pageOf.get(key) : undefined;
    const names = new Map<ItemId, ItemLabels>();
    for (const id of referenced.get(record.key) ?? []) {
      const found = known.get(id);
      if (found) names.set(id, found);
    }
    try {
      const diff = diffRecord(record, { item, labels: names, ...(page ? { page } : {}) }, ctx);
      compared.push({
        record,
        item,
        findings: diff.findings,
        undecided: diff.undecided,
        ...(page ? { page } : {}),
      });
    } catch (error) {
      failCompare(record, error);
    }
  }

  // Fields a recent edit touched wait for a later run (review.coolingOffHours).
  const { cooled, failed: historyFailed } = await coolOff(compared, {
    wikidata: deps.wikidata,
    store: deps.store,
    fields: deps.fields,
    languages: deps.languages,
    coolingOffHours: deps.coolingOffHours,
    now: ctx.retrievedAt,
  });

  for (const { record, item, page, findings, undecided } of compared) {
    const historyProblem = historyFailed.get(record.key);
    if (historyProblem) {
      fail(record, historyProblem.reason, historyProblem.code, historyProblem.url);
      continue;
    }
    const cooling = cooled.get(record.key);
    const kept = cooling?.findings ?? findings;
    // One record that cannot be stored (a value the store refuses) fails alone; only an unavailable
    // store stops the batch, to be retried whole.
    let settled: Awaited<ReturnType<ProposalStore['reconcile']>>;
    try {
      settled = await deps.store.reconcile(
        record.key,
        withRecordHash(kept, deps.recordHashes?.get(record.key) ?? recordHash(record, deps.fields)),
        { runId, time: deps.now() },
        { partialFields: [...undecided, ...(cooling?.waitingFields ?? [])] },
      );
    } catch (error) {
      failCompare(record, error);
      continue;
    }
    result.waiting.push(...(cooling?.waiting ?? []));
    result.revisions.set(record.key, {
      ...(item.kind === 'item' && item.lastrevid !== undefined ? { itemRev: item.lastrevid } : {}),
      ...(page?.lastrevid === undefined ? {} : { pageRev: page.lastrevid }),
      ...(item.kind === 'item' && item.id !== record.qid ? { target: item.id } : {}),
      ...(page && !page.missing && page.title !== record.wikipedia?.title ? { pageTitle: page.title } : {}),
      ...(page?.wikibaseItem === undefined ? {} : { pageItem: page.wikibaseItem }),
      ...(cooling?.waitUntil === undefined ? {} : { waitUntil: cooling.waitUntil }),
    });
    count({
      fetched: 1,
      findings: findingsByKind(kept),
      created: settled.created.length,
      seen: settled.seen.length,
      resolved: settled.resolved.length,
      superseded: settled.superseded.length,
      waitingCount: cooling?.waiting.length ?? 0,
    });
  }
  return result;
}
