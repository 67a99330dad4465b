// A night's request arithmetic: titles a request, what a batch asks of the run's budget before it
// starts, what it spent, and when the entities a run could not afford will be reached.

import { sweepRequests } from '../model/plan.js';
import type { RunBacklog, RunRecord } from '../model/run.js';

/**
 * Titles one request asks for: a batch's worth (sync.batchSize), at most what the API takes
 * (`limits.titles`: 50, or 500 with apihighlimits). Revision checks and fetches both go by it.
 */
export function titlesPerRequest(batchSize: number, limitTitles: number): number {
  return Math.min(batchSize, limitTitles);
}

/** Entities a batch revision-checks or fetches (Triage's lists, or their lengths). */
export interface BatchWork {
  readonly fetch: number;
  readonly check: number;
  readonly verify: number;
}

/**
 * Requests a batch is expected to need: what it asks of the run's budget before it starts. A fetch takes
 * the items, the labels of the items they refer to and a page request per language; a sweep's check the items' revisions and a
 * page request per language; a verification the items' revisions only.
 */
export function expectedRequests(work: BatchWork, languages: number, size: number): number {
  const requests = (n: number, perChunk: number) => Math.ceil(n / size) * perChunk;
  return requests(work.fetch, 2 + languages) + requests(work.check, 1 + languages) + requests(work.verify, 1);
}

/** Requests a job spent, from its tally by endpoint. */
export function spentRequests(tally: Readonly<Record<string, { readonly requests: number }>>): number {
  return Object.values(tally).reduce((sum, t) => sum + t.requests, 0);
}

/** What the planner knew of the whole store, and of the feeds, when it planned. */
export interface StoreSize {
  readonly entities: number;
  readonly pages: number;
  readonly titlesPerRequest: number;
  /** Languages with a Wikipedia feed (the Wikidata feed comes on top). */
  readonly languages: number;
  /** The planner's estimate of the feed's requests, when it made one. */
  readonly feed?: number | undefined;
}

/**
 * What finding the changes costs a run over the whole store, as the planner estimates it: the cheaper
 * of a sweep and the feed, and a request for each feed's newest change.
 */
export function recurringRequests(store: StoreSize): number {
  const sweep = sweepRequests(store);
  const heads = 1 + store.languages;
  return Math.min(sweep, store.feed ?? Number.POSITIVE_INFINITY) + heads;
}

/**
 * When the entities a run could not reach will be: each later run at the same budget first spends what
 * finding the changes costs (`recurring`: the planner's cheaper estimate for the whole store), and the
 * rest of its budget goes to them.
 */
export function backlogOf(
  run: Pick<RunRecord, 'counts' | 'plan'>,
  deferredRequests: number,
  recurring: number,
  now: number,
): RunBacklog | undefined {
  if (run.counts.deferred === 0 || !run.plan) return undefined;
  const left = run.plan.budget.run - recurring;
  const base = { entities: run.counts.deferred, requests: deferredRequests, recurring };
  if (left <= 0) return base;
  const runs = Math.max(1, Math.ceil(deferredRequests / left));
  return { ...base, runs, expectedBy: new Date(now + runs * 86_400_000).toISOString().slice(0, 10) };
}
