// Revisions of items by id (`action=query&prop=revisions&revids=…&rvprop=ids|timestamp|comment`), for
// the cooling-off guard: when, and with what summary, each was made, and the one before it. Shape: a
// real Wikidata answer in test/fixtures/wikimedia-captures/wikiprov_query_revisions_Q12345.json (pages
// by page id in formatversion 1, a list in 2; each page lists the revisions asked for), unknown ids in
// `query.badrevids` (MediaWiki core ApiPageSet). A revision asked for and not accounted for, or of the
// wrong shape, is unreadable: its item fails, it is never taken as "no recent edit".

import { z } from 'zod';
import type { UnreadableAnswer } from '../model/remote.js';
import { type Problem, queryPages, textProblem } from './wikidata-validate.js';

/** One revision of an item: its summary absent when hidden (`commenthidden`). */
export interface ItemEdit {
  readonly revid: number;
  /** The revision before it; 0 for the item's first. */
  readonly parentid: number;
  readonly timestamp: string;
  readonly comment?: string;
  /** The item's page title (its id). */
  readonly title: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const revision = z.looseObject({
  revid: z.number().int().positive(),
  parentid: z.number().int().nonnegative(),
  timestamp: z.string().regex(ISO, 'expected a timestamp such as 2026-12-02T10:00:00Z'),
  comment: z.string().optional(),
  commenthidden: z.unknown().optional(),
});

const page = z.looseObject({
  title: z.string(),
  revisions: z.array(z.unknown()).optional(),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The envelope: a `query` map; `pages` may be absent only when every id asked for was bad. */
export function historyEnvelopeProblem(body: unknown): Problem {
  if (!isObject(body)) return 'the answer is not a JSON object';
  if (!isObject(body.query)) return 'the answer has no "query" map';
  const { pages, badrevids } = body.query;
  if (pages === undefined && badrevids === undefined)
    return 'the answer has neither "query.pages" nor "query.badrevids"';
  if (pages !== undefined && !Array.isArray(pages) && !isObject(pages))
    return '"query.pages" is not a list or map';
  if (badrevids !== undefined && !isObject(badrevids)) return '"query.badrevids" is not a map';
  return undefined;
}

const unreadable = (requested: string, reason: string): UnreadableAnswer => ({
  kind: 'unreadable',
  requested,
  reason,
});

/** The answer by requested revision id (as text). The caller checks the envelope first. */
export function parseHistory(
  body: unknown,
  requested: readonly number[],
): Map<string, ItemEdit | UnreadableAnswer> {
  const query = isObject(body) && isObject(body.query) ? body.query : {};
  const pages = queryPages(body);
  const answered = new Map<number, ItemEdit | UnreadableAnswer>();
  for (const raw of pages) {
    const parsed = page.safeParse(raw);
    if (!parsed.success) continue; // its revisions stay unaccounted for
    for (const rawRevision of parsed.data.revisions ?? []) {
      const rev = revision.safeParse(rawRevision);
      const revid =
        isObject(rawRevision) && typeof rawRevision.revid === 'number' ? rawRevision.revid : undefined;
      if (revid === undefined) continue;
      if (!rev.success) {
        answered.set(
          revid,
          unreadable(String(revid), `revision ${revid}: ${rev.error.issues[0]?.message ?? 'not a revision'}`),
        );
        continue;
      }
      const hidden = rev.data.commenthidden !== undefined && rev.data.commenthidden !== false;
      const comment = hidden ? undefined : rev.data.comment;
      const problem = comment === undefined ? undefined : textProblem(comment);
      if ((!hidden && comment === undefined) || problem) {
        answered.set(
          revid,
          unreadable(String(revid), `revision ${revid}: its summary ${problem ?? 'is missing'}`),
        );
        continue;
      }
      answered.set(revid, {
        revid,
        parentid: rev.data.parentid,
        timestamp: rev.data.timestamp,
        ...(comment === undefined ? {} : { comment }),
        title: parsed.data.title.replace(/^Item:/, ''),
      });
    }
  }
  const bad = isObject(query.badrevids) ? query.badrevids : {};
  const result = new Map<string, ItemEdit | UnreadableAnswer>();
  for (const id of requested) {
    const key = String(id);
    const found = answered.get(id);
    if (found) result.set(key, found);
    else if (key in bad)
      result.set(
        key,
        unreadable(
          key,
          `revision ${id} does not exist (badrevids): its item was deleted or the revision suppressed`,
        ),
      );
    else result.set(key, unreadable(key, `revision ${id} was asked for and not answered`));
  }
  return result;
}
