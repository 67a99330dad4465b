// The cooling-off guard's reading of history: for items edited since `since` whose comparison found
// differences, which of those fields an edit younger than that touched (review.coolingOffHours). It
// walks each item's revisions back from the newest, one `prop=revisions` request per round for the
// whole batch (up to 50 items a request), until it is past `since`, or every field in question is
// known touched. A field it cannot clear in MAX_ROUNDS counts as touched; a revision it cannot read
// fails the entity (retried, then reported), never "no recent edit".

import { editScope, type FieldPlace, touches } from '../model/edit-summary.js';
import type { WikidataSource } from '../sources/wikidata.js';
import { type FetchProblem, problemOf } from './fetch-pages.js';

/** The newest edit younger than the cooling-off that touched a field. */
export interface RecentEdit {
  readonly revision: number;
  readonly time: string;
}

export interface EditedItem {
  /** The record's key. */
  readonly key: string;
  /** The item's newest revision, as the fetch saw it. */
  readonly lastrevid: number;
  /** The fields whose differences are in question. */
  readonly places: readonly FieldPlace[];
}

export interface RecentEdits {
  /** By record key, then field name. */
  readonly touched: Map<string, Map<string, RecentEdit>>;
  /** By record key: the history could not be read. */
  readonly failed: Map<string, FetchProblem>;
  /** Requests' worth of rounds walked (for the run's figures). */
  rounds: number;
}

/** Edits further back than this in one night are rare; a field not cleared by then waits. */
export const MAX_ROUNDS = 8;

interface Cursor {
  readonly item: EditedItem;
  revision: number;
  remaining: FieldPlace[];
  /** The last edit read, younger than the cooling-off. */
  last?: RecentEdit;
}

export async function recentEdits(
  wikidata: Pick<WikidataSource, 'history'>,
  items: readonly EditedItem[],
  since: string,
): Promise<RecentEdits> {
  const sinceMs = Date.parse(since);
  const result: RecentEdits = { touched: new Map(), failed: new Map(), rounds: 0 };
  const mark = (key: string, field: string, edit: RecentEdit) => {
    const fields = result.touched.get(key) ?? new Map<string, RecentEdit>();
    if (!fields.has(field)) fields.set(field, edit);
    result.touched.set(key, fields);
  };
  let cursors: Cursor[] = items
    .filter((item) => item.places.length > 0)
    .map((item) => ({ item, revision: item.lastrevid, remaining: [...item.places] }));
  while (cursors.length > 0 && result.rounds < MAX_ROUNDS) {
    result.rounds++;
    const answer = await wikidata.history(cursors.map((c) => c.revision));
    const failedRevisions = new Map(
      answer.failures.flatMap((f) => f.ids.map((id) => [id, problemOf(f)] as const)),
    );
    const next: Cursor[] = [];
    for (const cursor of cursors) {
      const problem = failedRevisions.get(String(cursor.revision));
      const edit = answer.found.get(String(cursor.revision));
      if (problem || !edit) {
        result.failed.set(
          cursor.item.key,
          problem ?? { reason: `revision ${cursor.revision} was not read`, code: 'UPSTREAM_INVALID' },
        );
        continue;
      }
      if (Date.parse(edit.timestamp) < sinceMs) continue; // older than the cooling-off: the rest stands
      const scope = editScope(edit.comment);
      const found = { revision: edit.revid, time: edit.timestamp };
      cursor.last = found;
      cursor.remaining = cursor.remaining.filter((place) => {
        if (!touches(scope, place)) return true;
        mark(cursor.item.key, place.field.name, found);
        return false;
      });
      if (cursor.remaining.length === 0 || edit.parentid === 0) continue;
      cursor.revision = edit.parentid;
      next.push(cursor);
    }
    cursors = next;
  }
  // Still within the cooling-off after MAX_ROUNDS edits: what could not be cleared waits.
  for (const cursor of cursors) {
    const last = cursor.last ?? { revision: cursor.item.lastrevid, time: since };
    for (const place of cursor.remaining) mark(cursor.item.key, place.field.name, last);
  }
  return result;
}
