// A wiki's change feed (API:RecentChanges): namespace 0, oldest first from a time, only
// `title|ids|timestamp|loginfo`, 500 rows a request (5,000 with apihighlimits), paged with `continue`.
// Edits and page creations carry the new revision; deletions and moves are log rows; on a Wikipedia, a
// change to the page's Wikidata sitelink (relinked, moved) is an `external` row that leaves the page's
// revision as it was, so it counts like a log row: the page must be looked at again. A Wikidata merge
// is two edits (the source item becomes a redirect, the target gets a new revision), so it needs no
// comment to be seen: both items show up as edited.

import type { JsonClient } from './http.js';

export interface FeedRow {
  readonly type: 'edit' | 'new' | 'log' | 'external';
  readonly title: string;
  /** The new revision; 0 for a log or external row (no revision to compare: always look again). */
  readonly revid: number;
  readonly timestamp: string;
  /** The row's id: rows are ordered by (timestamp, rcid). */
  readonly rcid: number;
  readonly logtype?: string;
  /** A move's new title. */
  readonly targetTitle?: string;
}

export interface FeedPage {
  readonly rows: readonly FeedRow[];
  /** The newest row read so far, `timestamp|rcid`: where the next run starts. */
  readonly cursor?: string;
}

interface RawChange {
  type?: string;
  title?: string;
  revid?: number;
  rcid?: number;
  timestamp?: string;
  logtype?: string;
  logparams?: { target_title?: string };
}

interface RawAnswer {
  query?: { recentchanges?: RawChange[] };
  continue?: Record<string, string>;
}

export class FeedFormatError extends Error {
  readonly code = 'FEED_BAD_ANSWER';
}

const TYPES = new Set(['edit', 'new', 'log', 'external']);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Why a row of the feed cannot be believed: a row read wrong is a change missed, so none is skipped. */
function rowProblem(change: unknown): string | undefined {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) return 'a row is not an object';
  const row = change as RawChange;
  if (typeof row.type !== 'string' || !TYPES.has(row.type))
    return `a row of type ${JSON.stringify(row.type)}`;
  if (typeof row.title !== 'string' || row.title === '') return 'a row without a title';
  if (typeof row.timestamp !== 'string' || !TIMESTAMP.test(row.timestamp))
    return `a row with the timestamp ${JSON.stringify(row.timestamp)}`;
  if (!Number.isInteger(row.rcid) || (row.rcid as number) < 1)
    return `a row with the rcid ${JSON.stringify(row.rcid)}`;
  if (
    (row.type === 'edit' || row.type === 'new') &&
    (!Number.isInteger(row.revid) || (row.revid as number) < 1)
  )
    return `an ${row.type} row with the revid ${JSON.stringify(row.revid)}`;
  return undefined;
}

/**
 * Why a page of the feed cannot be believed. Every row must be whole: a row skipped would be a change
 * the night never sees, so one bad row refuses the page (the planner then sweeps instead). The HTTP
 * layer runs this as its check, so a bad page is retried there first.
 */
function feedProblem(body: unknown): string | undefined {
  const answer = body as RawAnswer;
  const changes = answer?.query?.recentchanges;
  if (!Array.isArray(changes)) return 'no query.recentchanges';
  const next = answer.continue;
  if (
    next !== undefined &&
    (typeof next !== 'object' || next === null || Object.values(next).some((v) => typeof v !== 'string'))
  )
    return 'a "continue" that is not a map of strings';
  for (const [index, change] of changes.entries()) {
    const problem = rowProblem(change);
    if (problem) return `recentchanges[${index}]: ${problem}`;
  }
  return undefined;
}

/** One page of the feed, checked whole (feedProblem). */
export function parseFeedAnswer(
  body: unknown,
  url: string,
): { rows: FeedRow[]; next?: Record<string, string> } {
  const problem = feedProblem(body);
  if (problem) throw new FeedFormatError(`${problem}, in the answer of ${url}`);
  const answer = body as Required<Pick<RawAnswer, 'query'>> & RawAnswer;
  const rows: FeedRow[] = [];
  for (const change of answer.query.recentchanges as RawChange[]) {
    const row = change as Required<Pick<RawChange, 'type' | 'title' | 'timestamp' | 'rcid'>> & RawChange;
    const type = row.type as FeedRow['type'];
    rows.push({
      type,
      title: row.title,
      revid: type === 'edit' || type === 'new' ? (row.revid ?? 0) : 0,
      timestamp: row.timestamp,
      rcid: row.rcid,
      ...(row.logtype ? { logtype: row.logtype } : {}),
      ...(row.logparams?.target_title ? { targetTitle: row.logparams.target_title } : {}),
    });
  }
  return { rows, ...(answer.continue ? { next: answer.continue } : {}) };
}

export class ChangeFeedSource {
  constructor(
    private readonly http: JsonClient,
    /** The wiki's Action API, such as https://www.wikidata.org/w/api.php. */
    readonly api: string,
    /** Counted under this endpoint name in run reports. */
    private readonly endpoint: string,
    private readonly rowsPerRequest: number,
  ) {}

  private url(extra: Record<string, string>): URL {
    const url = new URL(this.api);
    url.search = new URLSearchParams({
      action: 'query',
      list: 'recentchanges',
      rcnamespace: '0',
      rctype: 'edit|new|log|external',
      rcprop: 'title|ids|timestamp|loginfo',
      format: 'json',
      formatversion: '2',
      maxlag: '5',
      ...extra,
    }).toString();
    return url;
  }

  /** The newest change's time: the wiki's own "now", as its feed sees it (none when the feed is empty). */
  async head(): Promise<string | undefined> {
    const url = this.url({ rcdir: 'older', rclimit: '1' });
    const { rows } = parseFeedAnswer(
      await this.http.getJson(url, this.endpoint, { check: feedProblem }),
      url.href,
    );
    return rows[0]?.timestamp;
  }

  /**
   * Every change after `cursor` (`timestamp|rcid` as a page gives it, or a bare time to start from),
   * a page of rows at a time. MediaWiki's rcstart counts whole seconds, so the rows of the cursor's
   * second up to its rcid, read last time, are left out.
   */
  async *since(cursor: string): AsyncGenerator<FeedPage> {
    const [from, after] = parseCursor(cursor);
    let next: Record<string, string> | undefined;
    let last = { timestamp: from, rcid: after };
    do {
      const url = this.url({ rcdir: 'newer', rcstart: from, rclimit: String(this.rowsPerRequest), ...next });
      const page = parseFeedAnswer(
        await this.http.getJson(url, this.endpoint, { check: feedProblem }),
        url.href,
      );
      const rows = page.rows.filter((row) => row.timestamp > from || row.rcid > after);
      for (const row of rows) {
        if (row.timestamp > last.timestamp || (row.timestamp === last.timestamp && row.rcid > last.rcid))
          last = { timestamp: row.timestamp, rcid: row.rcid };
      }
      next = page.next;
      yield { rows, cursor: formatCursor(last.timestamp, last.rcid) };
    } while (next);
  }
}

export function formatCursor(timestamp: string, rcid = 0): string {
  return `${timestamp}|${rcid}`;
}

/** A cursor's time and the last rcid read in its second (0: nothing of that second yet). */
export function parseCursor(cursor: string): [string, number] {
  const [timestamp = '', rcid = '0'] = cursor.split('|');
  return [timestamp, Number(rcid) || 0];
}
