// The cooling-off guard (review.coolingOffHours): a value edited on Wikidata shortly before the fetch is
// the likeliest to be vandalism, most of which is reverted within hours. A field whose statement (or
// label, description, sitelink) an edit younger than the cooling-off touched is not decided by this
// run: its findings are held back and its proposals stand as they were, the report lists it as
// "recent edit, waiting" with the edit, and the entity is compared again once the edit is old enough.
// Only items edited within the window that have differences are looked into (recent-edits.ts).

import type { FieldPlace } from '../model/edit-summary.js';
import type { FieldSpec } from '../model/fields.js';
import type { Finding } from '../model/proposal.js';
import type { LocalRecord } from '../model/record.js';
import type { ItemLookup } from '../model/remote.js';
import type { RunWaiting } from '../model/run.js';
import type { WikidataSource } from '../sources/wikidata.js';
import type { FetchProblem } from './fetch-pages.js';
import { type RecentEdit, recentEdits } from './recent-edits.js';

export interface CoolingDeps {
  readonly wikidata: Pick<WikidataSource, 'history'>;
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
  const edited = compared.flatMap(({ record, item, findings }) => {
    if (item.kind !== 'item' || item.lastrevid === undefined || item.modified === undefined) return [];
    if (Date.parse(item.modified) < Date.parse(since) || findings.length === 0) return [];
    const names = [...new Set(findings.map((finding) => finding.field))];
    const places: FieldPlace[] = names.flatMap((name) => {
      const field = byName.get(name);
      if (!field) return [];
      const site = record.wikipedia ? `${record.wikipedia.lang}wiki` : undefined;
      return [{ field, languages: deps.languages, ...(site ? { site } : {}) }];
    });
    return [{ key: record.key, lastrevid: item.lastrevid, places, qid: item.id }];
  });
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
