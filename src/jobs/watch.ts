// `factsync watch`: the long-running consumer of Wikimedia's EventStreams recentchange stream. It holds
// a Redis lease (one watcher across workers), reads the stream from where it left off (Last-Event-ID,
// kept in Redis after each hit is recorded), records the hits in the change index exactly as the
// polled feed does (ChangeIndex.recordHits with the same rows), and reconnects with exponential
// backoff and full jitter. For the planner it records, per wiki, the span it covered continuously:
// a span starts again after anything that may have lost an event — a first start, a position older
// than the stream keeps, a position the stream refuses, an event that could not be believed — and the
// planner reads the polled feed for whatever no span covers (planner.ts).

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { watchKeys } from '../redis-keys.js';
import { type EventStreamsSource, StreamError } from '../sources/eventstreams.js';
import type { ChangeIndex } from './change-index.js';
import { Lease } from './watch-lease.js';

export interface WatchSettings {
  /** The lease's lifetime; renewed every third of it. */
  readonly leaseMs: number;
  /** How far back the stream can resume (Wikimedia keeps about 7 days). */
  readonly retentionMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /**
   * How often, while a connection stays open, the languages in use are read again, so a Wikipedia the
   * local store starts to use is watched (and covered) from then on (default LANGUAGES_EVERY_MS).
   */
  readonly languagesEveryMs?: number;
}

export interface WatchDeps {
  readonly redis: Redis;
  readonly prefix: string;
  readonly changes: ChangeIndex;
  readonly source: EventStreamsSource;
  readonly log: Logger;
  readonly settings: WatchSettings;
  readonly clock?: () => number;
  readonly random?: () => number;
}

/** What a watcher did so far (its log lines say the same). */
export interface WatchStats {
  holding: boolean;
  connections: number;
  events: number;
  /** Events of the watched wikis' namespace 0, recorded in the change index. */
  changes: number;
  hits: number;
  invalid: number;
}

export interface Watcher {
  readonly stats: Readonly<WatchStats>;
  /** Stops reading, gives the lease back; resolves once it has. */
  stop(): Promise<void>;
}

interface Position {
  readonly id: string;
  readonly at: number;
}

/** Position saves of events that touch nothing, at most this often (hits are saved at once). */
const SAVE_EVERY_MS = 1_000;
/** The languages in use, read again at most this often while a connection is open. */
const LANGUAGES_EVERY_MS = 10_000;

/** The wait before reconnection `attempt` (0-based): exponential, capped, full jitter. */
export function backoffMs(attempt: number, settings: WatchSettings, random: () => number): number {
  return Math.floor(random() * Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** attempt));
}

export function startWatch(deps: WatchDeps): Watcher {
  const { redis, changes, source, log, settings } = deps;
  const clock = deps.clock ?? Date.now;
  const random = deps.random ?? Math.random;
  const keys = watchKeys(deps.prefix);
  const lease = new Lease(
    redis,
    keys.lease,
    `${hostname()}:${process.pid}:${randomUUID()}`,
    settings.leaseMs,
  );
  const stats: WatchStats = { holding: false, connections: 0, events: 0, changes: 0, hits: 0, invalid: 0 };
  let stopped = false;
  let connection: AbortController | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Each wiki's span start, for this lease: kept from Redis when the position carries on. */
  let spanFrom = new Map<string, number>();

  async function readPosition(): Promise<Position | undefined> {
    const raw = await redis.get(keys.position);
    if (!raw) return undefined;
    try {
      const position = JSON.parse(raw) as Position;
      return typeof position.id === 'string' && Number.isFinite(position.at) ? position : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves where the stream was read to, and extends every watched wiki's span to `at`. */
  async function savePosition(position: Position, wikis: readonly string[]): Promise<void> {
    const multi = redis.multi().set(keys.position, JSON.stringify(position));
    for (const wiki of wikis) {
      if (!spanFrom.has(wiki)) spanFrom.set(wiki, position.at);
      multi.hset(
        keys.covered,
        wiki,
        `${spanFrom.get(wiki)}|${Math.max(position.at, spanFrom.get(wiki) ?? 0)}`,
      );
    }
    await multi.exec();
  }

  /** Where to start reading, and whether the covered spans carry on from before. */
  async function startPoint(): Promise<{ lastEventId?: string; since?: number }> {
    const position = await readPosition();
    const now = clock();
    if (position && position.at >= now - settings.retentionMs) {
      const covered = await redis.hgetall(keys.covered);
      spanFrom = new Map(
        Object.entries(covered).map(([wiki, span]) => [wiki, Number(span.split('|')[0])] as const),
      );
      return { lastEventId: position.id };
    }
    if (position)
      log.warn(
        { at: new Date(position.at).toISOString() },
        'the stream no longer holds where the watcher stopped; the planner polls the gap',
      );
    // Coverage starts now, for every wiki: what came before is the polled feed's.
    spanFrom = new Map();
    return { since: now };
  }

  /** One connection, until it ends or breaks. True when it delivered at least one event. */
  async function readOnce(): Promise<boolean> {
    const start = await startPoint();
    // The source filters with this set as each event comes: a language added to it is watched from then on.
    const languages = new Set(await changes.languages());
    const wikis = ['wikidata', ...languages];
    let languagesAt = clock();
    if (start.since !== undefined) for (const wiki of wikis) spanFrom.set(wiki, start.since);
    const controller = new AbortController();
    connection = controller;
    stats.connections += 1;
    let last: Position | undefined;
    let savedAt = 0;
    let delivered = false;
    try {
      for await (const item of source.connect({ ...start, languages, signal: controller.signal })) {
        delivered = true;
        stats.events += 1;
        if (clock() - languagesAt >= (settings.languagesEveryMs ?? LANGUAGES_EVERY_MS)) {
          languagesAt = clock();
          for (const lang of await changes.languages()) {
            if (languages.has(lang)) continue;
            // Covered from the next saved place on (savePosition starts its span there).
            languages.add(lang);
            wikis.push(lang);
          }
        }
        if (item.kind === 'invalid') {
          stats.invalid += 1;
          log.warn(
            { id: item.id, why: item.why },
            'an event of a watched wiki could not be read; skipped, and the planner polls around it',
          );
          // Coverage starts again after it: the planner reads the polled feed for the span. The place
          // moves past it (read again, it would be as unreadable).
          spanFrom = new Map();
          if (item.id) last = { id: item.id, at: last?.at ?? clock() };
          continue;
        }
        const at = item.at ?? last?.at ?? clock();
        // A message without an id cannot be resumed after: the place stays at the last one that had one.
        if (item.id) last = { id: item.id, at };
        if (item.kind === 'change') {
          stats.changes += 1;
          stats.hits += await changes.recordHits(item.wiki, [item.row]);
        } else if (clock() - savedAt < SAVE_EVERY_MS) continue;
        if (!last) continue;
        await savePosition(last, wikis);
        savedAt = clock();
      }
    } catch (error) {
      if (
        error instanceof StreamError &&
        // 400: the saved Last-Event-ID is not one the stream can resume from (429 and 5xx are waited out).
        error.status === 400 &&
        start.lastEventId
      ) {
        log.warn({ status: error.status }, 'the stream refused the saved position; starting again from now');
        await redis.del(keys.position);
      }
      throw error;
    } finally {
      connection = undefined;
      if (last) await savePosition(last, wikis).catch(() => undefined);
    }
    return delivered;
  }

  async function hold(): Promise<void> {
    let attempt = 0;
    while (!stopped && stats.holding) {
      try {
        if (await readOnce()) attempt = 0;
        if (!stopped && stats.holding) log.info('the stream ended; reconnecting');
      } catch (error) {
        log.warn(
          { err: { message: (error as Error).message }, attempt },
          'the stream failed; reconnecting after a pause',
        );
      }
      if (stopped || !stats.holding) return;
      await sleep(backoffMs(attempt++, settings, random));
    }
  }

  let waitingSaid = false;
  const running = (async () => {
    while (!stopped) {
      if (!(await lease.acquire())) {
        if (!waitingSaid)
          log.info({ holder: await lease.holder() }, 'another watcher holds the lease; waiting');
        waitingSaid = true;
        await sleep(settings.leaseMs / 3);
        continue;
      }
      waitingSaid = false;
      stats.holding = true;
      log.info({ stream: source.url }, 'watching the change stream');
      const renewal = setInterval(() => {
        lease.renew().then(
          (ours) => {
            if (ours || !stats.holding) return;
            log.warn('the watch lease was lost; stopping until it can be taken again');
            stats.holding = false;
            connection?.abort();
            wake?.();
          },
          () => undefined,
        );
      }, settings.leaseMs / 3);
      try {
        await hold();
      } finally {
        clearInterval(renewal);
        stats.holding = false;
      }
    }
    await lease.release().catch(() => undefined);
  })();

  return {
    stats,
    async stop() {
      stopped = true;
      connection?.abort();
      wake?.();
      await running;
    },
  };
}
