// What a batch does with each entity before any request: fetch it (new, edited locally, a wait over,
// or the feed saw it change), check its revisions (a sweep), verify its item (the rolling verification
// of a feed run), or nothing (unchanged). Also the names an entity goes by on the change feeds — its
// QID and the item it was merged into, its page and the title it redirects to — that the triage
// matches feed hits against and the batch keeps the feed's index with.

import { isDue, type Strategy, type Verification } from '../model/plan.js';
import type { LocalRecord } from '../model/record.js';
import { type EntityState, waitOver } from './state.js';

/** The feed's newest revision of each local entity it touched, by QID and by "lang:title" (0: a deletion or a move). */
export interface Hits {
  readonly items: ReadonlyMap<string, number>;
  readonly pages: ReadonlyMap<string, number>;
}

export interface Triage {
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

/** What the triage of a batch's records goes by. */
export interface TriageContext {
  /** The entities' state by record key (none: never compared). */
  readonly previous: ReadonlyMap<string, EntityState>;
  /** The records' hashes by key (recordHash). */
  readonly hashes: ReadonlyMap<string, string>;
  readonly plan: { readonly strategy: Strategy; readonly verification?: Verification };
  /** A full run fetches every entity. */
  readonly full: boolean;
  /** The feed's hits on these records (none for a sweep). */
  readonly hits: Hits;
  /** The batch's index in its run: the rolling verification takes whole batches. */
  readonly batchIndex: number;
  readonly now: string;
}

export const emptyTriage = (): Triage => ({
  fetch: [],
  check: [],
  verify: [],
  unchanged: [],
  stale: { qids: [], pages: [] },
});

/** Whether a feed hit is newer than what the entity was compared at (0, a deletion or a move, always is). */
const newer = (rev: number | undefined, known: number | undefined) =>
  rev !== undefined && (rev === 0 || rev > (known ?? 0));

export function triage(records: readonly LocalRecord[], ctx: TriageContext): Triage {
  const { previous, hashes, plan, hits } = ctx;
  const out = emptyTriage();
  for (const record of records) {
    const prev = previous.get(record.key);
    const changedHere = !prev || prev.qid !== record.qid || prev.recordHash !== hashes.get(record.key);
    // A field that waited out a recent edit is compared once the edit is old enough, feed or not.
    if (ctx.full || changedHere || waitOver(prev, ctx.now)) {
      out.fetch.push(record);
      continue;
    }
    if (plan.strategy === 'sweep') {
      out.check.push(record);
      continue;
    }
    const itemHit = hits.items.get(record.qid) ?? (prev.target ? hits.items.get(prev.target) : undefined);
    const pages = pageKeys(record, prev);
    const pageHit = pages.map((key) => hits.pages.get(key)).find((rev) => rev !== undefined);
    if (newer(itemHit, prev.itemRev) || newer(pageHit, prev.pageRev)) out.fetch.push(record);
    else {
      if (itemHit !== undefined) out.stale.qids.push(record.qid, ...(prev.target ? [prev.target] : []));
      if (pageHit !== undefined) out.stale.pages.push(...pages);
      const due =
        plan.verification && isDue(ctx.batchIndex, prev.verifiedAt ?? prev.checkedAt, plan.verification);
      (due ? out.verify : out.unchanged).push(record);
    }
  }
  return out;
}

/** A record's page as "lang:title", the key pages are fetched and matched by. */
export const pageKey = (record: LocalRecord) =>
  record.wikipedia ? `${record.wikipedia.lang}:${record.wikipedia.title}` : undefined;

/** The "lang:title" names a record's page goes by: the local title, and the one it redirects to. */
export function pageKeys(record: LocalRecord, state?: Pick<EntityState, 'pageTitle'>): string[] {
  const key = pageKey(record);
  if (!key || !record.wikipedia) return [];
  return state?.pageTitle ? [key, `${record.wikipedia.lang}:${state.pageTitle}`] : [key];
}

/** The QIDs (and the items they redirect to) and pages a record goes by, for the feed's index. */
export function indexEntries(
  record: LocalRecord,
  state: Pick<EntityState, 'target' | 'pageTitle'> | undefined,
) {
  const qids = state?.target ? [record.qid, state.target] : [record.qid];
  const pages = record.wikipedia
    ? state?.pageTitle
      ? [record.wikipedia, { lang: record.wikipedia.lang, title: state.pageTitle }]
      : [record.wikipedia]
    : [];
  return { qids, pages };
}
