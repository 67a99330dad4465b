// A change feed (`list=recentchanges`): the edits made through the store (mutation API, fixture
// feeds) merged with a synthetic stream of background edits to pages outside any local store, as busy
// as the real wiki when the fake generates entities. Wikidata has one feed (items
// Q900000000–Q989999999); each fake Wikipedia has its own (see wikipedia-changes.ts).
// The background is a pure function of (seed, slot): slot k happens at epoch + k × interval, so a
// day of changes can be paged through without ever being held in memory.
// The recorded edits are also the revision history `prop=revisions&revids=…` reads (an index by
// revid over the log, bounded with it); background revisions are not kept (answered as unknown).

import { compareFeedKeys, type FeedKey, feedKeyOf, firstTrue } from './feed-keys.js';
import { hash32, unitHash } from './random.js';
import type { RecentChange, Revision } from './types.js';
import { mwTimestamp } from './types.js';

export const BACKGROUND_BASE = 900_000_000;
const BACKGROUND_SPAN = 90_000_000;
const EPOCH = Date.UTC(2025, 0, 1);
const MAX_AGE_MS = 30 * 86_400_000; // $wgRCMaxAge on Wikimedia wikis
const MAX_LOG = 200_000;

/** What a background edit touches and says; the feed adds its ids and timestamp. */
export interface BackgroundEdit {
  readonly isNew: boolean;
  readonly title: string;
  readonly pageid: number;
  readonly newlen: number;
  readonly oldlen: number;
  /** How many revisions back (in the wiki's whole history) the page's previous revision is. */
  readonly back: number;
  readonly user: string;
  readonly comment: string;
}

/** What makes one wiki's feed its own: id ranges, and the pages its background edits. */
export interface FeedSite {
  /** Background revision ids are revBase + 2k, recorded ones odd numbers above them. */
  readonly revBase: number;
  /** Background rc ids are rcBase + 2k, recorded ones odd numbers above them. */
  readonly rcBase: number;
  /** Ids advance with time at this rate even when the background is off. */
  readonly idlePerDay: number;
  edit(seed: number, k: number): BackgroundEdit;
}

/** Wikidata: edits to items outside the local range, mostly claim edits, some new items by bots. */
export const WIKIDATA_FEED: FeedSite = {
  revBase: 2_500_000_000,
  rcBase: 3_000_000_000,
  idlePerDay: 600_000,
  edit(seed, k) {
    const n = BACKGROUND_BASE + (hash32(seed, k, 'background-item') % BACKGROUND_SPAN);
    const isNew = unitHash(seed, k, 'background-new') < 0.05;
    const newlen = 2_000 + (hash32(seed, k, 'background-size') % 90_000);
    return {
      isNew,
      title: `Q${n}`,
      pageid: 100_000_000 + (n - BACKGROUND_BASE),
      newlen,
      oldlen: isNew ? 0 : newlen - 400 + (hash32(seed, k, 'background-delta') % 800),
      back: 1 + (hash32(seed, k, 'background-back') % 5_000_000),
      user: isNew ? 'QuickStatementsBot' : `Editor${hash32(seed, k, 'user') % 5000}`,
      comment: isNew ? '/* wbeditentity-create-item:0| */' : '/* wbsetclaim-update:2||1 */',
    };
  },
};

export interface FeedOptions {
  readonly seed: number;
  /** Background edits per day; 0 turns the background off. */
  readonly perDay: number;
  /** Wikidata's by default. */
  readonly site?: FeedSite;
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

export class ChangeFeed {
  private readonly log: Entry[] = [];
  /** The log's page revisions (edit and new rows) by revid. */
  private readonly byRevid = new Map<number, RecentChange>();
  private readonly interval: number;
  private readonly site: FeedSite;
  private lastRevid = 0;
  private lastRcid = 0;
  private lastLogid = 900_000_000;
  private readonly listeners: Array<(change: RecentChange) => void> = [];

  constructor(private readonly options: FeedOptions) {
    this.site = options.site ?? WIKIDATA_FEED;
    this.interval = 86_400_000 / (options.perDay > 0 ? options.perDay : this.site.idlePerDay);
  }

  private slotAt(ms: number): number {
    return Math.floor((ms - EPOCH) / this.interval);
  }

  private slotMs(k: number): number {
    return EPOCH + Math.floor(k * this.interval);
  }

  /** A new revision id: later than any background revision so far, and than `after`. */
  nextRevid(ms: number, after = 0): number {
    let id = Math.max(this.site.revBase + 2 * this.slotAt(ms) + 1, this.lastRevid + 2, after + 1);
    if (id % 2 === 0) id++;
    this.lastRevid = id;
    return id;
  }

  private nextRcid(ms: number): number {
    let id = Math.max(this.site.rcBase + 2 * this.slotAt(ms) + 1, this.lastRcid + 2);
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
    for (const listener of this.listeners) listener(full);
    return full;
  }

  /** Calls `listener` with every change recorded from now on (the live stream, event-stream.ts). */
  listen(listener: (change: RecentChange) => void): void {
    this.listeners.push(listener);
  }

  /** The background slots whose time is in (afterMs, uptoMs], oldest first, at most `limit`. */
  backgroundBetween(
    afterMs: number,
    uptoMs: number,
    limit: number,
  ): Array<{ ms: number; change: RecentChange }> {
    if (this.options.perDay <= 0) return [];
    const out: Array<{ ms: number; change: RecentChange }> = [];
    for (let k = this.slotAt(afterMs) + 1; k <= this.slotAt(uptoMs) && out.length < limit; k++)
      if (this.slotMs(k) > afterMs) out.push({ ms: this.slotMs(k), change: this.background(k) });
    return out;
  }

  /** Adds a captured change as it is (fixture feeds). */
  insert(change: RecentChange): void {
    const entry = { key: feedKeyOf(change), change };
    let at = this.log.length;
    while (at > 0 && compareFeedKeys((this.log[at - 1] as Entry).key, entry.key) > 0) at--;
    this.log.splice(at, 0, entry);
    if (isRevision(change)) this.byRevid.set(change.revid, change);
    if (this.log.length > MAX_LOG)
      for (const dropped of this.log.splice(0, this.log.length - MAX_LOG)) this.unindex(dropped.change);
  }

  private unindex(change: RecentChange): void {
    if (this.byRevid.get(change.revid) === change) this.byRevid.delete(change.revid);
  }

  /** A revision recorded in the log; undefined for others (background, forgotten or dropped ones). */
  revision(revid: number): Revision | undefined {
    const change = this.byRevid.get(revid);
    if (!change) return undefined;
    return {
      revid,
      parentid: change.old_revid,
      pageid: change.pageid,
      ns: change.ns,
      title: change.title,
      timestamp: change.timestamp,
      comment: change.comment ?? '',
      user: change.user ?? '',
    };
  }

  /**
   * Drops a page's rows other than log rows, as MediaWiki does when the page is deleted: those under
   * its title and, with `pageid`, those of the page under any earlier title (DeletePage: rc_title, or
   * rc_cur_id, and rc_type != RC_LOG).
   */
  forget(title: string, pageid?: number): void {
    let kept = 0;
    for (const entry of this.log) {
      const { change } = entry;
      const ofPage = change.title === title || (pageid !== undefined && change.pageid === pageid);
      if (!ofPage || change.type === 'log') this.log[kept++] = entry;
      else this.unindex(change);
    }
    this.log.length = kept;
  }

  get loggedCount(): number {
    return this.log.length;
  }

  /** The background change of slot k. */
  background(k: number): RecentChange {
    const edit = this.site.edit(this.options.seed, k);
    const revid = this.site.revBase + 2 * k;
    return {
      type: edit.isNew ? 'new' : 'edit',
      ns: 0,
      title: edit.title,
      pageid: edit.pageid,
      revid,
      old_revid: edit.isNew ? 0 : Math.max(revid - 2 * edit.back, 1),
      rcid: this.site.rcBase + 2 * k,
      timestamp: mwTimestamp(this.slotMs(k)),
      oldlen: edit.oldlen,
      newlen: edit.newlen,
      user: edit.user,
      comment: edit.comment,
    };
  }

  private backgroundKey(k: number): FeedKey {
    return { sec: Math.floor(this.slotMs(k) / 1000), rcid: this.site.rcBase + 2 * k };
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
    const within = (key: FeedKey) => !query.end || sign * compareFeedKeys(key, query.end) <= 0;

    // First background slot and first log entry at or past `start`, in the query's direction.
    let k: number;
    let i: number;
    if (query.newer) {
      k = query.start
        ? firstTrue(lo, hi + 1, (s) => compareFeedKeys(this.backgroundKey(s), query.start as FeedKey) >= 0)
        : lo;
      i = query.start
        ? firstTrue(
            0,
            this.log.length,
            (j) => compareFeedKeys(this.entry(j).key, query.start as FeedKey) >= 0,
          )
        : 0;
    } else {
      k =
        (query.start
          ? firstTrue(lo, hi + 1, (s) => compareFeedKeys(this.backgroundKey(s), query.start as FeedKey) > 0)
          : hi + 1) - 1;
      i =
        (query.start
          ? firstTrue(
              0,
              this.log.length,
              (j) => compareFeedKeys(this.entry(j).key, query.start as FeedKey) > 0,
            )
          : this.log.length) - 1;
    }
    const changes: RecentChange[] = [];
    for (;;) {
      const hasK = wantsBackground && k >= lo && k <= hi;
      const hasI = i >= 0 && i < this.log.length;
      if (!hasK && !hasI) return { changes };
      const kKey = hasK ? this.backgroundKey(k) : undefined;
      const iKey = hasI ? this.entry(i).key : undefined;
      const takeK = kKey !== undefined && (iKey === undefined || sign * compareFeedKeys(kKey, iKey) < 0);
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

/** Rows that are a revision of their page: not log rows, nor `external` rows (no revision of the page). */
const isRevision = (change: RecentChange) =>
  (change.type === 'edit' || change.type === 'new') && change.revid > 0;
