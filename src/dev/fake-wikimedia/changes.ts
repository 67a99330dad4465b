// The Wikidata change feed (`list=recentchanges`): the store's own edits (mutation API, fixture
// feeds) merged with a synthetic stream of background edits to items outside any local store
// (Q900000000–Q989999999), as busy as the real Wikidata when the fake generates entities.
// The background is a pure function of (seed, slot): slot k happens at epoch + k × interval, so a
// day of changes can be paged through without ever being held in memory.

import { hash32, unitHash } from './random.js';
import type { RecentChange } from './types.js';
import { mwTimestamp } from './types.js';

export const BACKGROUND_BASE = 900_000_000;
const BACKGROUND_SPAN = 90_000_000;
const EPOCH = Date.UTC(2025, 0, 1);
const REV_BASE = 2_500_000_000;
const RC_BASE = 3_000_000_000;
const MAX_AGE_MS = 30 * 86_400_000; // $wgRCMaxAge on Wikimedia wikis
const MAX_LOG = 200_000;
/** Revision and rc ids advance with time at this rate even when the background is off. */
const DEFAULT_INTERVAL_MS = 144;

export interface FeedOptions {
  readonly seed: number;
  /** Background edits per day; 0 turns the background off. */
  readonly perDay: number;
}

/** A position in the feed: entries are ordered by (second, rcid), as MediaWiki's rccontinue is. */
export interface FeedKey {
  readonly sec: number;
  readonly rcid: number;
}

export interface FeedQuery {
  readonly newer: boolean;
  readonly start?: FeedKey;
  readonly end?: FeedKey;
  readonly limit: number;
  readonly types?: ReadonlySet<string>;
  readonly namespaces?: ReadonlySet<number>;
}

export interface FeedPage {
  readonly changes: RecentChange[];
  readonly next?: FeedKey;
}

interface Entry {
  readonly key: FeedKey;
  readonly change: RecentChange;
}

const compare = (a: FeedKey, b: FeedKey) => a.sec - b.sec || a.rcid - b.rcid;
const keyOf = (change: RecentChange): FeedKey => ({
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

export class ChangeFeed {
  private readonly log: Entry[] = [];
  private readonly interval: number;
  private lastRevid = 0;
  private lastRcid = 0;
  private lastLogid = 900_000_000;

  constructor(private readonly options: FeedOptions) {
    this.interval = options.perDay > 0 ? 86_400_000 / options.perDay : DEFAULT_INTERVAL_MS;
  }

  private slotAt(ms: number): number {
    return Math.floor((ms - EPOCH) / this.interval);
  }

  private slotMs(k: number): number {
    return EPOCH + Math.floor(k * this.interval);
  }

  /** A new revision id: later than any background revision so far, and than `after`. */
  nextRevid(ms: number, after = 0): number {
    let id = Math.max(REV_BASE + 2 * this.slotAt(ms) + 1, this.lastRevid + 2, after + 1);
    if (id % 2 === 0) id++;
    this.lastRevid = id;
    return id;
  }

  private nextRcid(ms: number): number {
    let id = Math.max(RC_BASE + 2 * this.slotAt(ms) + 1, this.lastRcid + 2);
    if (id % 2 === 0) id++;
    this.lastRcid = id;
    return id;
  }

  nextLogid(): number {
    this.lastLogid += 1;
    return this.lastLogid;
  }

  /** Records a change made at `ms`; rcid and timestamp are assigned here. */
  record(change: Omit<RecentChange, 'rcid' | 'timestamp'>, ms: number): RecentChange {
    const full: RecentChange = { ...change, rcid: this.nextRcid(ms), timestamp: mwTimestamp(ms) };
    this.insert(full);
    return full;
  }

  /** Adds a captured change as it is (fixture feeds). */
  insert(change: RecentChange): void {
    const entry = { key: keyOf(change), change };
    let at = this.log.length;
    while (at > 0 && compare((this.log[at - 1] as Entry).key, entry.key) > 0) at--;
    this.log.splice(at, 0, entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  /** Drops a page's edit rows, as MediaWiki does when the page is deleted (log rows stay). */
  forget(title: string): void {
    let kept = 0;
    for (const entry of this.log) {
      if (entry.change.title !== title || entry.change.type === 'log') this.log[kept++] = entry;
    }
    this.log.length = kept;
  }

  get loggedCount(): number {
    return this.log.length;
  }

  /** The background change of slot k. */
  background(k: number): RecentChange {
    const { seed } = this.options;
    const n = BACKGROUND_BASE + (hash32(seed, k, 'background-item') % BACKGROUND_SPAN);
    const isNew = unitHash(seed, k, 'background-new') < 0.05;
    const revid = REV_BASE + 2 * k;
    const newlen = 2_000 + (hash32(seed, k, 'background-size') % 90_000);
    const back = 2 * (1 + (hash32(seed, k, 'background-back') % 5_000_000));
    return {
      type: isNew ? 'new' : 'edit',
      ns: 0,
      title: `Q${n}`,
      pageid: 100_000_000 + (n - BACKGROUND_BASE),
      revid,
      old_revid: isNew ? 0 : Math.max(revid - back, 1),
      rcid: RC_BASE + 2 * k,
      timestamp: mwTimestamp(this.slotMs(k)),
      oldlen: isNew ? 0 : newlen - 400 + (hash32(seed, k, 'background-delta') % 800),
      newlen,
      user: isNew ? 'QuickStatementsBot' : `Editor${hash32(seed, k, 'user') % 5000}`,
      comment: isNew ? '/* wbeditentity-create-item:0| */' : '/* wbsetclaim-update:2||1 */',
    };
  }

  private backgroundKey(k: number): FeedKey {
    return { sec: Math.floor(this.slotMs(k) / 1000), rcid: RC_BASE + 2 * k };
  }

  /** Background slots present now: the last 30 days, up to `nowMs`; empty when the background is off. */
  private slots(nowMs: number): { lo: number; hi: number } {
    if (this.options.perDay <= 0) return { lo: 0, hi: -1 };
    return { lo: this.slotAt(nowMs - MAX_AGE_MS) + 1, hi: this.slotAt(nowMs) };
  }

  /** One page of the feed, from `start` (inclusive) in the query's direction. */
  query(query: FeedQuery, nowMs: number): FeedPage {
    const { lo, hi } = this.slots(nowMs);
    const wantsBackground =
      (!query.types || query.types.has('edit') || query.types.has('new')) &&
      (!query.namespaces || query.namespaces.has(0));
    const matches = (c: RecentChange) =>
      (!query.types || query.types.has(c.type)) && (!query.namespaces || query.namespaces.has(c.ns));
    const sign = query.newer ? 1 : -1;
    const within = (key: FeedKey) => !query.end || sign * compare(key, query.end) <= 0;

    // First background slot and first log entry at or past `start`, in the query's direction.
    let k: number;
    let i: number;
    if (query.newer) {
      k = query.start
        ? firstTrue(lo, hi + 1, (s) => compare(this.backgroundKey(s), query.start as FeedKey) >= 0)
        : lo;
      i = query.start
        ? firstTrue(0, this.log.length, (j) => compare(this.entry(j).key, query.start as FeedKey) >= 0)
        : 0;
    } else {
      k =
        (query.start
          ? firstTrue(lo, hi + 1, (s) => compare(this.backgroundKey(s), query.start as FeedKey) > 0)
          : hi + 1) - 1;
      i =
        (query.start
          ? firstTrue(0, this.log.length, (j) => compare(this.entry(j).key, query.start as FeedKey) > 0)
          : this.log.length) - 1;
    }
    const changes: RecentChange[] = [];
    for (;;) {
      const hasK = wantsBackground && k >= lo && k <= hi;
      const hasI = i >= 0 && i < this.log.length;
      if (!hasK && !hasI) return { changes };
      const kKey = hasK ? this.backgroundKey(k) : undefined;
      const iKey = hasI ? this.entry(i).key : undefined;
      const takeK = kKey !== undefined && (iKey === undefined || sign * compare(kKey, iKey) < 0);
      const key = (takeK ? kKey : iKey) as FeedKey;
      if (!within(key)) return { changes };
      if (changes.length >= query.limit) return { changes, next: key };
      const change = takeK ? this.background(k) : this.entry(i).change;
      if (takeK) k += sign;
      else i += sign;
      if (matches(change)) changes.push(change);
    }
  }

  private entry(j: number): Entry {
    return this.log[j] as Entry;
  }
}

/** The first integer in [lo, hi) for which `test` holds (it must be monotone), or hi. */
function firstTrue(lo: number, hi: number, test: (n: number) => boolean): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (test(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}
