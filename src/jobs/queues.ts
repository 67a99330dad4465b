// factsync's queues and the payload of each job (JobPayloads); registry.ts pairs each job name with its
// queue, result and processor. Everything is under the store's Redis prefix (store-scope.ts), and every
// run's jobs name the store they are for: a worker refuses a job of another store (worker.ts). A run is
// a BullMQ flow: `finalise-run` is the parent; `plan-run` (its first child) reads the local store and
// adds one `sync-batch` child per batch of up to 50 entities; when every child has finished — or failed
// for good — the parent writes the run record and the reports.

import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import type { Config } from '../config.js';
import type { RecordBatch } from '../local/read/source.js';
import type { Strategy, Verification } from '../model/plan.js';
import type { RunTrigger } from '../model/run.js';
import { BATCH_QUEUE, RUN_QUEUE, TTL } from '../redis-keys.js';
import { storeScope } from './store-scope.js';

// The queues' names are Redis key names (redis-keys.ts); the jobs use them from here.
export { BATCH_QUEUE, RUN_QUEUE };

/** Where a batch's records are: a job holds a reference, not the records (a million entities = 20,000 jobs). */
export type BatchRef = RecordBatch;

export interface RunSpec {
  readonly runId: string;
  /** The store the run is for (StoreScope.store): a worker of any other store refuses its jobs. */
  readonly store: string;
  readonly trigger: RunTrigger;
  /** Record keys or QIDs; the whole store when absent. */
  readonly scope?: readonly string[];
  /** Fetch everything, whatever the revisions say. */
  readonly full?: boolean;
}

/** What the planner tells every batch of a run. */
export interface BatchPlan {
  readonly strategy: Strategy;
  /** The rolling verification of a feed run. */
  readonly verification?: Verification;
  /** Redis key of the run's remaining request budget. */
  readonly quota?: string;
}

export interface JobPayloads {
  /** Fired by the nightly scheduler: creates a run's flow. */
  'start-run': {
    readonly trigger: RunTrigger;
    readonly scope?: readonly string[];
    /** Absent in schedules registered by an older factsync: the run is then for the worker's store. */
    readonly store?: string;
  };
  'plan-run': RunSpec;
  'sync-batch': RunSpec & { readonly batch: BatchRef; readonly index: number; readonly plan?: BatchPlan };
  'finalise-run': RunSpec & { readonly startedAt: string };
}
export type JobName = keyof JobPayloads;

/** Priorities within the batch queue: a manual refresh goes ahead of nightly work. */
export const PRIORITY = { refresh: 1, manual: 5, 'one-off': 5, nightly: 10 } as const;

export interface QueueSettings {
  readonly connection: ConnectionOptions;
  /** The store's prefix (StoreScope.prefix). */
  readonly prefix: string;
  readonly attempts: number;
  /** The store whose runs these queues carry (StoreScope.store). */
  readonly store: string;
}

/** The queues of the configured store, over `connection`. */
export function queueSettings(
  config: Pick<Config, 'redis' | 'store' | 'worker'>,
  connection: ConnectionOptions,
): QueueSettings {
  const { prefix, store } = storeScope(config);
  return { connection, prefix, attempts: config.worker.attempts, store };
}

/** Job options every factsync job gets: retries with backoff, and bounded history in Redis. */
export function jobOptions(settings: QueueSettings, extra: JobsOptions = {}): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: TTL.completedJobs, count: 1000 },
    removeOnFail: { age: TTL.failedJobs, count: 10_000 },
    ...extra,
  };
}

export function openQueue(settings: Pick<QueueSettings, 'connection' | 'prefix'>, name: string): Queue {
  return new Queue(name, { connection: settings.connection, prefix: settings.prefix });
}

/** A run id that sorts by time and says when it started: 2026-11-25T03-00-00Z-1a2b. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
