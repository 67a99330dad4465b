// What the change feeds said, kept in Redis for the batches: an index of the local store's QIDs and
// Wikipedia pages (written by the batches as they go, in small hashes: index-buckets.ts), the feeds' hits on it (QID or "lang:title" →
// the newest revision the feed showed, 0 for a deletion or a move, which always means a fetch), and
// where each feed was last read. A hit stays until a batch has compared its entity, so a run that
// could not reach an entity (budget, failure) leaves it for the next run.
// Given the proposal store (`durable`), where each feed was last read and what the planner estimates
// from live there instead (durable-index.ts): a Redis flush loses only the index and the hits, which
// restoreIndex (index-restore.ts) rebuilds and re-reads, and the next night reads the feeds as usual.

import type { Redis } from 'ioredis';
import type { ItemId } from '../model/ids.js';
import { storeKeys, watchKeys } from '../redis-keys.js';
import type { SyncStateStore } from '../sinks/store.js';
import type { FeedRow } from '../sources/feed.js';
import type { Hits } from '../sync/triage.js';
import { DurablePositions } from './durable-index.js';
import { IndexBuckets } from './index-buckets.js';

export interface SyncMeta {
  /** Entities and pages the last whole-store run planned. */
  entities?: number;
  pages?: number;
  /** Rows a day each feed showed when last read, by wiki. */
  rowsPerDay: Record<string, number>;
}

/** A span of time (epoch ms) the change stream covered continuously. */
export interface StreamSpan {
  readonly from: number;
  readonly to: number;
}

export class ChangeIndex {
  private readonly keys;
  /** Feed positions and planner estimates in the proposal store, when given one. */
  readonly durable: DurablePositions | undefined;
  private readonly covered: string;
  private readonly buckets: IndexBuckets;
  /** The older layout's SETs moved into the buckets, once per process (index-buckets.ts adoptSets). */
  private adopted: Promise<number> | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    durable?: SyncStateStore,
  ) {
    this.keys = storeKeys(prefix).changes;
    this.durable = durable && new DurablePositions(durable);
    this.covered = watchKeys(prefix).covered;
    this.buckets = new IndexBuckets(redis, prefix);
  }

  /** Before the index is first read or written: what an older version left in its SETs is adopted. */
  private ready(): Promise<number> {
    this.adopted ??= this.buckets.adoptSets().catch((error: unknown) => {
      this.adopted = undefined;
      throw error;
    });
    return this.adopted;
  }

  /** Whether every hit the feeds recorded has been dealt with. */
  async settled(): Promise<boolean> {
    return (await this.redis.exists(this.keys.itemHits, this.keys.pageHits)) === 0;
  }

  /**
   * The span (epoch ms) `factsync watch` covered without a break, by wiki, as it recorded it
   * (jobs/watch.ts): its hits for that span are in the index already.
   */
  async streamCoverage(): Promise<Record<string, StreamSpan>> {
    const spans: Record<string, StreamSpan> = {};
    for (const [wiki, text] of Object.entries(await this.redis.hgetall(this.covered))) {
      const [from, to] = text.split('|').map(Number);
      if (Number.isFinite(from) && Number.isFinite(to) && (from as number) <= (to as number))
        spans[wiki] = { from: from as number, to: to as number };
    }
    return spans;
  }

  /** Adds QIDs (an entity's own and the item it redirects to) and pages to the index. */
  async remember(
    qids: readonly string[],
    pages: ReadonlyArray<{ lang: string; title: string }>,
  ): Promise<void> {
    // Nothing to add costs no round trip (an empty MULTI/EXEC is one all the same).
    if (qids.length === 0 && pages.length === 0) return;
    await this.ready();
    const multi = this.redis.multi();
    this.buckets.add(multi, [...qids, ...pages.map((p) => `${p.lang}:${p.title}`)]);
    if (pages.length > 0) multi.sadd(this.keys.langs, ...new Set(pages.map((p) => p.lang)));
    await multi.exec();
  }

  /** The Wikipedia languages the local store links to. */
  async languages(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.langs)).sort();
  }

  /**
   * Keeps the rows of a feed page that touch the local store; returns how many did. Rows come oldest
   * first, so the last one written for a title is its newest.
   */
  async recordHits(wiki: string, rows: readonly FeedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const wikidata = wiki === 'wikidata';
    // A move touches the page under both names.
    const named = rows.flatMap((row) => [
      { row, name: wikidata ? row.title : `${wiki}:${row.title}` },
      ...(row.targetTitle && !wikidata ? [{ row, name: `${wiki}:${row.targetTitle}` }] : []),
    ]);
    await this.ready();
    const known = await this.buckets.has(named.map((n) => n.name));
    const hits = new Map<string, number>();
    named.forEach(({ row, name }, index) => {
      if (known[index]) hits.set(name, row.revid);
    });
    if (hits.size > 0)
      await this.redis.hset(wikidata ? this.keys.itemHits : this.keys.pageHits, Object.fromEntries(hits));
    return hits.size;
  }

  /** Hits on these QIDs and pages ("lang:title"). */
  async hits(qids: readonly string[], pages: readonly string[]): Promise<Hits> {
    const [items, titles] = await Promise.all([
      qids.length > 0 ? this.redis.hmget(this.keys.itemHits, ...qids) : [],
      pages.length > 0 ? this.redis.hmget(this.keys.pageHits, ...pages) : [],
    ]);
    const pick = (names: readonly string[], values: Array<string | null>) =>
      new Map(names.flatMap((name, i) => (values[i] == null ? [] : [[name, Number(values[i])] as const])));
    return { items: pick(qids, items), pages: pick(pages, titles) };
  }

  /** The entities were compared (or their hits were old news): their hits are done with. */
  async settle(qids: readonly string[], pages: readonly string[]): Promise<void> {
    if (qids.length === 0 && pages.length === 0) return;
    const multi = this.redis.multi();
    if (qids.length > 0) multi.hdel(this.keys.itemHits, ...qids);
    if (pages.length > 0) multi.hdel(this.keys.pageHits, ...pages);
    await multi.exec();
  }

  /** Entities a sweep could not reach: the next run fetches them whatever the feed says. */
  async markPending(qids: readonly ItemId[]): Promise<void> {
    if (qids.length > 0)
      await this.redis.hset(this.keys.itemHits, Object.fromEntries(qids.map((q) => [q, 0])));
  }

  async cursors(): Promise<Record<string, string>> {
    if (this.durable) return this.durable.cursors();
    return this.redis.hgetall(this.keys.cursors);
  }

  async setCursor(wiki: string, cursor: string): Promise<void> {
    if (this.durable) return this.durable.setCursor(wiki, cursor);
    await this.redis.hset(this.keys.cursors, wiki, cursor);
  }

  async meta(): Promise<SyncMeta> {
    if (this.durable) return this.durable.meta();
    const raw = await this.redis.hgetall(this.keys.meta);
    return {
      ...(raw.entities ? { entities: Number(raw.entities) } : {}),
      ...(raw.pages ? { pages: Number(raw.pages) } : {}),
      rowsPerDay: raw.rowsPerDay ? (JSON.parse(raw.rowsPerDay) as Record<string, number>) : {},
    };
  }

  async saveMeta(meta: SyncMeta): Promise<void> {
    if (this.durable) return this.durable.saveMeta(meta);
    await this.redis.hset(this.keys.meta, {
      ...(meta.entities === undefined ? {} : { entities: meta.entities }),
      ...(meta.pages === undefined ? {} : { pages: meta.pages }),
      rowsPerDay: JSON.stringify(meta.rowsPerDay),
    });
  }

  /** Counts whole-store runs: the nth takes the nth slice of the rolling verification. */
  async nextRunNumber(): Promise<number> {
    if (this.durable) return this.durable.nextRunNumber();
    return this.redis.incr(this.keys.runs);
  }

  /** Forgets everything (with the sync state): the next run starts from a full sweep. */
  async clear(): Promise<void> {
    await this.redis.del(...Object.values(this.keys));
    await this.buckets.clear();
    await this.durable?.clear();
  }
}
