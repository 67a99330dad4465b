// Every name factsync gives a thing in Redis, in one place: its keys, its BullMQ queues and job ids, and
// how long each key lives. A key renamed by accident is data a user's Redis still holds and factsync no
// longer finds (a week of key claims, a year of sync state), so test/unit/redis-keys.test.ts pins every
// string. It sits beside config.ts, not in jobs/, because sources/ names keys too (the HTTP gate, the
// label cache) and must not import jobs/; it imports nothing, so anything may import it.
//
// Two prefixes: a store's own (StoreScope.prefix) for its queues, state and runs, and the one every
// store on a Redis shares (StoreScope.shared) for what is the site's, not a store's: the HTTP gate and
// the label cache. BullMQ names its own keys under the store's prefix: `{prefix}:{queue}:{jobId}`.

/** The BullMQ queues, under the store's prefix: runs (plan, finalise, the nightly scheduler) and batches. */
export const RUN_QUEUE = 'runs';
export const BATCH_QUEUE = 'batches';

/** BullMQ job ids: a run's jobs are found again by its id (the page's progress, a retried batch). */
export const jobIds = {
  finalise: (runId: string) => `finalise-${runId}`,
  plan: (runId: string) => `plan-${runId}`,
  batch: (runId: string, index: number) => `batch-${runId}-${index}`,
  /** The nightly job scheduler on the runs queue. */
  nightly: 'nightly',
} as const;

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/** How long keys live. The label cache's is config (wikidata.labelTtlSeconds), the gate's leases too. */
export const TTL = {
  /** A run's own keys (runKeys), seconds: the finalise job deletes most; this is for a run never finalised. */
  run: 7 * DAY_S,
  /** An entity's refresh claim, seconds: a refresh run that never finishes gives it back by then. */
  refreshClaim: HOUR_S,
  /** A worker's heartbeat, milliseconds: three beats (jobs/heartbeat.ts beats every third of it). */
  heartbeatMs: 30_000,
  /** BullMQ's history of completed and failed jobs, seconds. */
  completedJobs: 7 * DAY_S,
  /**
   * A finished run's finalise job, seconds: it holds every batch's result (`:processed`, ~550 bytes a
   * batch of 50: 11 MB a night at a million entities), and the run record in the store says the rest.
   */
  completedRuns: DAY_S,
  failedJobs: 30 * DAY_S,
} as const;

/**
 * How many HASHes the change index's QIDs and pages are spread over: at two members an entity, a
 * million entities put ~30 in each, three million ~90: under 128 fields, so a hash stays in its
 * compact encoding even where hash-max-listpack-entries was lowered to 128 (Redis's default is 512).
 * Changing it moves every member: don't.
 */
export const INDEX_BUCKETS = 65_536;

/**
 * Which of `buckets` a name falls in (the change index's and the label cache's small hashes): FNV-1a
 * over its UTF-16 code units, the same in every process and every version. Changing it moves every name.
 */
export function bucketOf(name: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % buckets;
}

/** A store's keys, beside its queues. */
export function storeKeys(prefix: string) {
  return {
    /** HASH record key → entity state (JSON): what the last run saw (jobs/state-store.ts). */
    state: `${prefix}:state`,
    /** The change index's, all of them but its buckets (jobs/change-index.ts deletes them together). */
    changes: {
      /**
       * SETs: the local store's QIDs and pages ("lang:title") as versions before the buckets kept them;
       * read once to move them into the buckets (jobs/index-buckets.ts), then deleted.
       */
      qids: `${prefix}:index:qids`,
      pages: `${prefix}:index:pages`,
      /** SET: the Wikipedia languages the local store links to. */
      langs: `${prefix}:index:langs`,
      /** HASHes: the feeds' hits on them, and where each feed was last read. */
      itemHits: `${prefix}:feed:hits:items`,
      pageHits: `${prefix}:feed:hits:pages`,
      cursors: `${prefix}:feed:cursors`,
      /** HASH: what the planner estimates from; STRING: whole-store runs so far. */
      meta: `${prefix}:sync:meta`,
      runs: `${prefix}:sync:runs`,
    },
    /**
     * HASH, one of INDEX_BUCKETS: the local store's QIDs and pages that hash to `bucket`, as fields
     * (jobs/index-buckets.ts). Small hashes stay in Redis's compact encoding; one set of a million does not.
     */
    indexBucket: (bucket: number) => `${prefix}:index:b:${bucket}`,
    /** STRING: the schedule `factsync schedule` set (JSON or `off`). */
    scheduleOverride: `${prefix}:schedule:override`,
    /** STRING run id: the entity waits for that refresh run (TTL.refreshClaim). */
    refreshClaim: (entity: string) => `${prefix}:refresh:${entity}`,
    /** STRING beat (JSON): a worker on `host` is alive (TTL.heartbeatMs). */
    heartbeat: (host: string) => `${prefix}:worker-heartbeat:${host}`,
  };
}

/** One run's keys, under the store's prefix; each lives TTL.run at most. */
export function runKeys(prefix: string, runId: string) {
  const run = `${prefix}:run:${runId}`;
  return {
    /** HASH record key → where its first record is: which record a key belongs to in this run. */
    claims: `${run}:keys`,
    /** STRING: the run's request budget left, drawn on by its batches. */
    quota: `${run}:quota`,
    /** LIST of read errors (JSON) the plan job met. */
    unreadable: `${run}:unreadable`,
    /** HASH host → reason: hosts the run found unreachable. */
    unreachable: `${run}:unreachable`,
    /** HASH "endpoint\nrequests|bytes" → count: requests of attempts dropped for a retry. */
    retried: `${run}:retried`,
    /** HASH batches, planned, done, entities, unreadable: the progress bar's. */
    progress: `${run}:progress`,
  };
}

/**
 * `factsync watch`'s keys, under the store's prefix (jobs/watch.ts, jobs/watch-lease.ts): the stream
 * consumer's lease, its position in the EventStreams stream, and the spans it covered per wiki.
 */
export function watchKeys(prefix: string) {
  return {
    /** STRING owner token, with a PX expiry: one watcher at a time across workers. */
    lease: `${prefix}:watch:lease`,
    /** STRING JSON {id, at}: the SSE id of the last event handled (sent back as Last-Event-ID), its time. */
    position: `${prefix}:watch:position`,
    /** HASH wiki → "from|to" (epoch ms): the span the stream covered continuously, up to the position. */
    covered: `${prefix}:watch:covered`,
  };
}

/**
 * The HTTP gate's keys (`{shared}:http:{name}`), in the order its Lua scripts take them as KEYS
 * (sources/http-gate-scripts.ts): do not reorder.
 */
export const GATE_KEY_NAMES = [
  'slots', // ZSET token → lease end: the concurrency slots
  'bucket', // HASH tokens, ts: the ratePerSecond bucket
  'paused', // HASH until, reason: no request before `until` (not `pause`, the string of earlier versions)
  'hour', // HASH tokens, ts: the hourly ceiling's bucket
  'minute', // HASH second → requests: the last 61 seconds
  'spent', // HASH minute → requests: the last 61 minutes (for status)
  'pace', // HASH factor, ts: the slow-down after a 429
  'server', // HASH remaining, reset: what the server said is left
  'urgent', // STRING: a refresh is waiting; nightly work holds back
] as const;
export type GateKeyName = (typeof GATE_KEY_NAMES)[number];

/** One of the gate's keys, under the shared prefix. */
export const gateKey = (shared: string, name: GateKeyName): string => `${shared}:http:${name}`;

/** The gate's keys in the scripts' order. */
export const gateKeys = (shared: string): string[] => GATE_KEY_NAMES.map((name) => gateKey(shared, name));

/** A Wikibase (`site`: wikidata.url) in the label cache's keys: its host and path. */
function labelSite(site: string): string {
  const url = new URL(site);
  return `${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The label cache's key of an item as versions before v3 wrote it (a STRING per item, under the shared
 * prefix, per Wikibase), read only until those keys expire (sources/label-cache.ts). v2: labels and
 * aliases include `mul`; entries cached without it are not read.
 */
export function labelKeys(shared: string, site: string): (id: string) => string {
  const siteKey = labelSite(site);
  return (id) => `${shared}:labels:v2:${siteKey}:${id}`;
}

/**
 * How many HASHes one generation of the label cache spreads its items over (sources/label-cache.ts).
 * Changing it loses the cache for a week: don't.
 */
export const LABEL_BUCKETS = 1_024;

/**
 * The label cache's keys (v3), under the shared prefix, per Wikibase: HASH item number → labels (JSON),
 * the items cached in `generation` (a slice of time) that hash to `bucket`; the key expires as a whole.
 */
export function labelBucketKeys(
  shared: string,
  site: string,
): (generation: number, bucket: number) => string {
  const siteKey = labelSite(site);
  return (generation, bucket) => `${shared}:labels:v3:${siteKey}:${generation}:${bucket}`;
}

// Issue 18 (durable sync state): the mark that tells a flushed change index from a kept one.
/** A store's keys that say what Redis still holds of the change index (jobs/index-restore.ts). */
export function durableIndexKeys(prefix: string) {
  return {
    /** STRING: set by the planner; gone after a flush, when the index and the hits must be rebuilt. */
    epoch: `${prefix}:feed:epoch`,
  };
}
