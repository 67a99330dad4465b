// How a run finds what changed upstream, and what it may spend: the planner's pure part. It estimates
// the requests each change-detection strategy needs for the store as the last run saw it, and picks the
// cheaper one that is available.
//
// - sweep: a revision check of every entity (items and pages, 50 titles a request — 500 with
//   apihighlimits), then full fetches of what moved;
// - feed: the wikis' recent changes since the last run, but for what `factsync watch` covered of them
//   (500 rows a request, 5,000 with apihighlimits),
//   intersected with the local store, plus a rolling verification — a revision check of one slice of the
//   entities each night (whole batches), so every entity is checked at least every `verifyDays` nights
//   whatever the feed says. A feed run scans the store in large batches (sync.feedBatchSize), so that
//   the few changed entities of many records still share requests. Only possible while the last run is within the feeds' 30-day horizon.
// Both fetch the same changed entities, so the choice turns on the detection cost alone.

export type Strategy = 'sweep' | 'feed';

/** Recent changes are kept 30 days on Wikimedia's wikis ($wgRCMaxAge); an hour of margin. */
export const FEED_HORIZON_MS = 30 * 86_400_000 - 3_600_000;

/** Before a feed has been read, its volume is assumed from the real wikis (edits a day, namespace 0). */
export const DEFAULT_ROWS_PER_DAY = { wikidata: 600_000, wikipedia: 100_000 } as const;

/**
 * A span of a feed that polling reads: from a cursor, up to a time (epoch ms) or to the feed's head.
 * What the change stream covered is left out of a feed's spans (pollSpans in src/jobs/planner.ts).
 */
export interface PollSpan {
  readonly start: string;
  readonly until?: number;
}

export interface PlanInputs {
  /** Entities and Wikipedia pages in the local store, as the last run counted them. */
  readonly entities: number;
  readonly pages: number;
  /** Titles a revision check request (50, or 500 with apihighlimits) and feed rows a request. */
  readonly titlesPerRequest: number;
  readonly rowsPerRequest: number;
  /**
   * Each feed in use: rows a day, where the last run left it (a cursor), if it did, the spans polling
   * reads of it (oldest first; all of it from the cursor when not given), and the time of its newest
   * change (epoch ms) — the wiki's own clock, which `now` stands in for when it is not known.
   */
  readonly feeds: ReadonlyArray<PlanFeed>;
  readonly verifyDays: number;
  readonly now: number;
}

export interface PlanFeed {
  readonly wiki: string;
  readonly rowsPerDay: number;
  readonly cursor?: string;
  readonly spans?: readonly PollSpan[];
  readonly head?: number;
}

export interface StrategyChoice {
  readonly strategy: Strategy;
  readonly reason: string;
  /** Requests each strategy needs to find what changed (not counting the fetches, the same for both). */
  readonly estimates: { readonly sweep: number; readonly feed?: number };
}

/** A feed cursor (`2026-11-25T03:00:00Z|123`) as epoch ms. */
const cursorTime = (cursor: string) => Date.parse(cursor.split('|')[0] ?? '');

export function sweepRequests(inputs: Pick<PlanInputs, 'entities' | 'pages' | 'titlesPerRequest'>): number {
  return (
    Math.ceil(inputs.entities / inputs.titlesPerRequest) + Math.ceil(inputs.pages / inputs.titlesPerRequest)
  );
}

/** What polling reads of a feed the last run left at `cursor`: its spans, or all of it from the cursor. */
const polled = (feed: PlanFeed, cursor: string): readonly PollSpan[] =>
  feed.spans?.length ? feed.spans : [{ start: cursor }];

/** Why the feed cannot be used now, or undefined when it can. */
export function feedUnavailable(inputs: PlanInputs): string | undefined {
  for (const feed of inputs.feeds) {
    if (!feed.cursor) return `no complete run has read the ${feed.wiki} feed yet`;
    // The oldest row polling asks for must still be kept; what the stream covered is not asked for.
    const first = (polled(feed, feed.cursor)[0] as PollSpan).start;
    const age = (feed.head ?? inputs.now) - cursorTime(first);
    if (!(age <= FEED_HORIZON_MS))
      return `the last run read the ${feed.wiki} feed ${Math.floor(age / 86_400_000)} days ago, past its 30-day horizon`;
  }
  return undefined;
}

/** Requests to read a feed's rows over `ms`, a page at a time: one at least, as an empty span still asks. */
const readRequests = (feed: PlanFeed, ms: number, rowsPerRequest: number) =>
  Math.max(1, Math.ceil((feed.rowsPerDay * Math.max(0, ms)) / 86_400_000 / rowsPerRequest));

export function feedRequests(inputs: PlanInputs): number {
  let total = Math.ceil(inputs.entities / inputs.verifyDays / inputs.titlesPerRequest);
  for (const feed of inputs.feeds) {
    const head = feed.head ?? inputs.now;
    if (!feed.cursor) {
      total += readRequests(feed, FEED_HORIZON_MS, inputs.rowsPerRequest);
      continue;
    }
    // Each span is read on its own (planner.ts's readFeeds), so each rounds up to whole requests.
    for (const span of polled(feed, feed.cursor))
      total += readRequests(
        feed,
        Math.min(span.until ?? head, head) - cursorTime(span.start),
        inputs.rowsPerRequest,
      );
  }
  return total;
}

export function chooseStrategy(inputs: PlanInputs, wanted: 'auto' | Strategy): StrategyChoice {
  const sweep = sweepRequests(inputs);
  if (wanted === 'sweep')
    return { strategy: 'sweep', reason: 'sync.strategy is sweep', estimates: { sweep } };
  const unavailable = feedUnavailable(inputs);
  if (unavailable) return { strategy: 'sweep', reason: unavailable, estimates: { sweep } };
  const feed = feedRequests(inputs);
  if (wanted === 'feed')
    return { strategy: 'feed', reason: 'sync.strategy is feed', estimates: { sweep, feed } };
  return feed < sweep
    ? {
        strategy: 'feed',
        reason: `the feed needs fewer requests (${feed} < ${sweep})`,
        estimates: { sweep, feed },
      }
    : {
        strategy: 'sweep',
        reason: `a sweep needs fewer requests (${sweep} ≤ ${feed})`,
        estimates: { sweep, feed },
      };
}

/** The rolling verification of one run: the slice it re-checks, and when an entity is overdue. */
export interface Verification {
  readonly days: number;
  /** This run's slice, 0 … days − 1: nightly runs take the slices in turn. */
  readonly slice: number;
  /** An entity last verified before this (ISO time) is re-checked whatever its slice (missed nights). */
  readonly overdueBefore: string;
}

export function verificationFor(runNumber: number, verifyDays: number, now: number): Verification {
  return {
    days: verifyDays,
    slice: runNumber % verifyDays,
    overdueBefore: new Date(now - verifyDays * 86_400_000).toISOString(),
  };
}

/**
 * Whether an entity last verified at `verifiedAt`, in the run's batch `batchIndex`, is re-checked by
 * this run's rolling verification. Slices are whole batches, so that a slice's revision checks go 50
 * titles a request; an entity whose batch moved (records added or removed before it) is caught by the
 * overdue rule at the latest.
 */
export function isDue(
  batchIndex: number,
  verifiedAt: string | undefined,
  verification: Verification,
): boolean {
  if (verifiedAt === undefined || verifiedAt < verification.overdueBefore) return true;
  return batchIndex % verification.days === verification.slice;
}
