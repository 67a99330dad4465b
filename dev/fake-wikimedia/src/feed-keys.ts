// Positions in a change feed (`list=recentchanges`): entries are ordered by (second, rcid), and
// MediaWiki's `rccontinue`/`rcstart` name a position as `YYYYMMDDhhmmss|rcid`; plus the binary search
// the feed (changes.ts) uses to find a position among its background slots and its log.

import type { RecentChange } from './types.js';
import { mwTimestamp } from './types.js';

/** A position in the feed: entries are ordered by (second, rcid), as MediaWiki's rccontinue is. */
export interface FeedKey {
  readonly sec: number;
  readonly rcid: number;
}

export const compareFeedKeys = (a: FeedKey, b: FeedKey) => a.sec - b.sec || a.rcid - b.rcid;
export const feedKeyOf = (change: RecentChange): FeedKey => ({
  sec: Math.floor(Date.parse(change.timestamp) / 1000),
  rcid: change.rcid,
});

/** `20260114112003|2472418806`, MediaWiki's rccontinue. */
export function formatFeedKey(key: FeedKey): string {
  return `${mwTimestamp(key.sec * 1000).replace(/[-:TZ]/g, '')}|${key.rcid}`;
}

export function parseFeedKey(text: string): FeedKey | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\|(\d+)$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, rcid] = match.map(Number) as number[];
  return { sec: Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s) / 1000, rcid: rcid ?? 0 };
}

/** The first integer in [lo, hi) for which `test` holds (it must be monotone), or hi. */
export function firstTrue(lo: number, hi: number, test: (n: number) => boolean): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (test(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}
