// A wiki's change feed (API:RecentChanges): namespace 0, oldest first from a time, only
// `title|ids|timestamp|loginfo`, 500 rows a request (5,000 with apihighlimits), paged with `continue`.
// Edits and page creations carry the new revision; deletions and moves are log rows. A Wikidata merge
// is two edits (the source item becomes a redirect, the target gets a new revision), so it needs no
// comment to be seen: both items show up as edited.

import type { HttpClient } from './http.js';

export interface FeedRow {
  readonly type: 'edit' | 'new' | 'log';
  readonly title: string;
  /** The new revision; 0 for a log row. */
  readonly revid: number;
  readonly timestamp: string;
  readonly logtype?: string;
  /** A move's new title. */
  readonly targetTitle?: string;
}

export interface FeedPage {
  readonly rows: readonly FeedRow[];
  /** The newest timestamp read so far: where the next run starts. */
  readonly cursor?: string;
}

interface RawChange {
  type?: string;
  title?: string;
  revid?: number;
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

export function parseFeedAnswer(
  body: unknown,
  url: string,
): { rows: FeedRow[]; next?: Record<string, string> } {
  const answer = body as RawAnswer;
  const changes = answer?.query?.recentchanges;
  if (!Array.isArray(changes)) throw new FeedFormatError(`no query.recentchanges in the answer of ${url}`);
  const rows: FeedRow[] = [];
  for (const change of changes) {
    if (typeof change.title !== 'string' || typeof change.timestamp !== 'string') continue;
    if (change.type !== 'edit' && change.type !== 'new' && change.type !== 'log') continue;
    rows.push({
      type: change.type,
      title: change.title,
      revid: change.type === 'log' ? 0 : (change.revid ?? 0),
      timestamp: change.timestamp,
      ...(change.logtype ? { logtype: change.logtype } : {}),
      ...(change.logparams?.target_title ? { targetTitle: change.logparams.target_title } : {}),
    });
  }
  return { rows, ...(answer.continue ? { next: answer.continue } : {}) };
}

export class ChangeFeedSource {
  constructor(
    private readonly http: HttpClient,
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
      rctype: 'edit|new|log',
      rcprop: 'title|ids|timestamp|loginfo',
      format: 'json',
      formatversion: '2',
      maxlag: '5',
      ...extra,
    }).toString();
    return url;
  }

  /** The feed's newest entry's time: where a feed starts when the wiki has been swept in full. */
  async head(): Promise<string | undefined> {
    const url = this.url({ rcdir: 'older', rclimit: '1' });
    const { rows } = parseFeedAnswer(await this.http.getJson(url, this.endpoint), url.href);
    return rows[0]?.timestamp;
  }

  /** Every change from `since` (inclusive) to the newest, a page of rows at a time. */
  async *since(since: string): AsyncGenerator<FeedPage> {
    let next: Record<string, string> | undefined;
    let cursor: string | undefined;
    do {
      const url = this.url({ rcdir: 'newer', rcstart: since, rclimit: String(this.rowsPerRequest), ...next });
      const page = parseFeedAnswer(await this.http.getJson(url, this.endpoint), url.href);
      for (const row of page.rows) if (cursor === undefined || row.timestamp > cursor) cursor = row.timestamp;
      next = page.next;
      yield { rows: page.rows, ...(cursor ? { cursor } : {}) };
    } while (next);
  }
}
