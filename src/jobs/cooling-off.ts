// The cooling-off guard (review.coolingOffHours): a value edited on Wikidata shortly before the fetch is
// the likeliest to be vandalism, most of which is reverted within hours. A field whose statement (or
// label, description, sitelink) an edit younger than the cooling-off touched is not decided by this
// run: its findings are held back and its proposals stand as they were, the report lists it as
// "recent edit, waiting" with the edit, and the entity is compared again once the edit is old enough.
// Only fields whose proposals this run would change (a new finding, or an open proposal that would be
// resolved or superseded) of items edited within the window are looked into (recent-edits.ts): a
// finding the store already holds is no news, whenever the item was edited.

import type { FieldPlace } from '../model/edit-summary.js';
import type { FieldSpec } from '../model/fields.js';
import { SETTLED_STATUSES } from '../model/lifecycle.js';
import { type Finding, fingerprint, PROPOSAL_STATUSES } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import type { ItemLookup } from '../model/remote.js';
import type { RunWaiting } from '../model/run.js';
import type { ProposalStore } from '../sinks/store.js';
import type { WikidataSource } from '../sources/wikidata.js';
import type { FetchProblem } from './fetch-pages.js';
import { type RecentEdit, recentEdits } from './recent-edits.js';

export interface CoolingDeps {
  readonly wikidata: Pick<WikidataSource, 'history'>;
  readonly store: Pick<ProposalStore, 'list'>;
  readonly fields: readonly FieldSpec[];
  readonly languages: readonly string[];
  /** 0 turns the guard off. */
  readonly coolingOffHours: number;
  /** The fetch's time. */
  readonly now: string;
}

export interface Compared {
  readonly record: LocalRecord;
  readonly item: ItemLookup;
  readonly findings: readonly Finding[];
}

/** What the run decides for one entity once recent edits are set aside. */
export interface Cooled {
  readonly findings: Finding[];
  /** Fields left as they stand (their proposals untouched). */
  readonly waitingFields: string[];
  readonly waiting: RunWaiting[];
  /** When the last of them may be compared: absent when nothing waits. */
  readonly waitUntil?: string;
}

const HOUR = 3_600_000;

/** The findings of `compared` with the fields recent edits touched held back; failures by key. */
export async function coolOff(
  compared: readonly Compared[],
  deps: CoolingDeps,
): Promise<{ cooled: Map<string, Cooled>; failed: Map<string, FetchProblem> }> {
  const cooled = new Map<string, Cooled>();
  if (deps.coolingOffHours <= 0) return { cooled, failed: new Map() };
  const windowMs = deps.coolingOffHours * HOUR;
  const since = new Date(Date.parse(deps.now) - windowMs).toISOString();
  const byName = new Map(deps.fields.map((field) => [field.name, field]));
  const edited: Array<{ key: string; lastrevid: number; places: FieldPlace[]; qid: string }> = [];
  for (const { record, item, findings } of compared) {
    if (item.kind !== 'item' || item.lastrevid === undefined || item.modified === undefined) continue;
    if (Date.parse(item.modified) < Date.parse(since)) continue;
    const site = record.wikipedia ? `${record.wikipedia.lang}wiki` : undefined;
    const places: FieldPlace[] = (await changingFields(deps.store, record.key, findings)).flatMap((name) => {
      const field = byName.get(name);
      return field ? [{ field, languages: deps.languages, ...(site ? { site } : {}) }] : [];
    });
    if (places.length > 0) edited.push({ key: record.key, lastrevid: item.lastrevid, places, qid: item.id });
  }
  if (edited.length === 0) return { cooled, failed: new Map() };
  const edits = await recentEdits(deps.wikidata, edited, since);
  const qidOf = new Map(edited.map((e) => [e.key, e.qid]));
  for (const { record, findings } of compared) {
    const touched = edits.touched.get(record.key);
    if (!touched || edits.failed.has(record.key)) continue;
    cooled.set(
      record.key,
      holdBack(record.key, qidOf.get(record.key) ?? record.qid, findings, touched, windowMs),
    );
  }
  return { cooled, failed: edits.failed };
}

const STANDING = PROPOSAL_STATUSES.filter(
  (status) => !(SETTLED_STATUSES as readonly string[]).includes(status),
);

/** The entity's fields whose proposals reconciling `findings` would change. */
async function changingFields(
  store: Pick<ProposalStore, 'list'>,
  entity: string,
  findings: readonly Finding[],
): Promise<string[]> {
  const { proposals } = await store.list({ entity, status: STANDING }, { limit: 1000 });
  return fieldsThatChange(
    findings.map((finding) => ({ field: finding.field, id: fingerprint(finding) })),
    proposals,
  );
}

/**
 * Pure: the fields where a finding is not among the standing proposals (it would be created), or an
 * open proposal is not among the findings (it would be resolved or superseded).
 */
export function fieldsThatChange(
  found: ReadonlyArray<{ readonly field: string; readonly id: string }>,
  standing: ReadonlyArray<{ readonly field: string; readonly id: string; readonly status: string }>,
): string[] {
  const foundIds = new Set(found.map((f) => f.id));
  const standingIds = new Set(standing.map((p) => p.id));
  const changing = new Set<string>();
  for (const f of found) if (!standingIds.has(f.id)) changing.add(f.field);
  for (const p of standing) if (p.status === 'open' && !foundIds.has(p.id)) changing.add(p.field);
  return [...changing].sort();
}

/** Pure: the findings without the touched fields, and what the report says of each. */
export function holdBack(
  entity: string,
  qid: string,
  findings: readonly Finding[],
  touched: ReadonlyMap<string, RecentEdit>,
  windowMs: number,
): Cooled {
  const waiting = [...touched].map(([field, edit]) => ({
    entity,
    qid,
    field,
    revision: edit.revision,
    editedAt: edit.time,
    until: new Date(Date.parse(edit.time) + windowMs).toISOString(),
  }));
  const until = waiting.map((w) => w.until).sort();
  return {
    findings: findings.filter((finding) => !touched.has(finding.field)),
    waitingFields: [...touched.keys()],
    waiting,
    ...(until.length > 0 ? { waitUntil: until[until.length - 1] as string } : {}),
  };
}
