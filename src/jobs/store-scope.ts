// Which proposal store a process serves, and where that store's work lives in Redis. Two stores on one
// Redis must never see each other's sync state, run claims, change index, progress or queued runs: a
// store that took another's state for its own skipped entities it had never fetched. So each store gets
// a prefix of its own — `redis.prefix` when the user set it (their choice, used as is), else
// `factsync-<8 hex>`, a hash of the store's identity. What is not a store's state stays under the shared
// base prefix: labels of referenced items (Wikidata's facts, the same for every store) and the request
// budget (Wikimedia counts a client, not a store).
//
// On a Redis Cluster (redis.cluster) both prefixes are hash tags, `{factsync-<8 hex>}` and `{factsync}`:
// BullMQ's scripts and ours touch several keys at once, and Redis runs that only when they share a hash
// slot, which the part in braces decides (BullMQ's documented way). A single Redis keeps the names it
// always had, so an existing install finds its queues, state and claims where it left them.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.js';

/** The prefix of factsync's keys before stores had their own; now the shared part of a derived prefix. */
export const BASE_PREFIX = 'factsync';

export interface StoreScope {
  /** The store as people recognise it, never with a password: `sqlite:/srv/data/factsync.db`. */
  readonly store: string;
  /** This store's queues and keys: sync state, run claims, change index, progress, schedule. */
  readonly prefix: string;
  /** Whether `prefix` was derived from the store (redis.prefix not set) rather than set. */
  readonly derived: boolean;
  /** What every store on this Redis shares: referenced items' labels and the request budget. */
  readonly shared: string;
}

export function storeScope(config: Pick<Config, 'redis' | 'store'>): StoreScope {
  const store = storeIdentity(config.store);
  const tag = config.redis.cluster === true ? hashTagged : (prefix: string) => prefix;
  const chosen = config.redis.prefix;
  if (chosen !== undefined) return { store, prefix: tag(chosen), derived: false, shared: tag(chosen) };
  const hash = createHash('sha256').update(store).digest('hex').slice(0, 8);
  return { store, prefix: tag(`${BASE_PREFIX}-${hash}`), derived: true, shared: tag(BASE_PREFIX) };
}

/**
 * `prefix` as a Redis Cluster hash tag: `{prefix}`, so every key under it lands in one hash slot. A
 * prefix that already holds a tag (`{factsync}-demo`) keeps it: Redis hashes the first `{…}` only.
 */
export function hashTagged(prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/**
 * `store.name` when set: one store reached by different paths or host names (a container and the host)
 * is still one store. Else SQLite: the file's absolute path. PostgreSQL: host, port and database, and the
 * schema when the URL sets a search_path — what tells one database's tables from another's; user and
 * password do not (and the password must never reach a job, a log line or a hash anyone could test
 * guesses against).
 */
export function storeIdentity(store: Config['store']): string {
  if (store.name !== undefined) return `name:${store.name}`;
  if (store.kind === 'sqlite') return `sqlite:${path.resolve(store.path)}`;
  const url = URL.canParse(store.url ?? '') ? new URL(store.url as string) : undefined;
  // Opening such a store fails with its own message; the URL itself may hold a password.
  if (!url) return 'postgres:(unreadable store.url)';
  // libpq's defaults: a socket or localhost, port 5432, and a database named after the user.
  const host = (url.searchParams.get('host') ?? url.hostname).toLowerCase() || 'localhost';
  const port = url.searchParams.get('port') ?? (url.port || '5432');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '') || url.username) || '(default)';
  const schema = /search_path=([^\s,]+)/.exec(url.searchParams.get('options') ?? '')?.[1];
  return `postgres://${host}:${port}/${database}${schema ? `?schema=${schema}` : ''}`;
}

/** For people (`status`, `config`): which store this is and where its work lives in Redis. */
export function scopeLines(scope: StoreScope): string[] {
  const why = scope.derived
    ? `derived from the store; labels and the request budget under "${scope.shared}"`
    : 'set by redis.prefix: give every store its own';
  return [`store: ${scope.store}`, `redis prefix: ${scope.prefix} (${why})`];
}
