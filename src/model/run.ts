// A run's record (SPEC §5): when and why it ran, what it saw and did, and every failure with its reason.

import type { Strategy } from './plan.js';
import type { ProposalKind } from './proposal.js';

export type RunTrigger = 'nightly' | 'manual' | 'refresh' | 'one-off';
/**
 * `done`: every entity read was compared (or found unchanged, or left for a later run by the budget);
 * `partial`: some entities could not be compared (listed under failures); `failed`: none could, or the
 * run stopped (a host it could not reach). Unreadable local records do not change the status: they were
 * never the run's to compare, and every summary counts them apart.
 */
export type RunStatus = 'running' | 'done' | 'partial' | 'failed';

export interface RunFailure {
  /** What failed: an entity, a batch of ids, or an unreadable record (file, line). */
  readonly entity?: string;
  readonly ids?: readonly string[];
  readonly file?: string;
  readonly line?: number;
  readonly reason: string;
  /** A stable code (HTTP_TIMEOUT, READ_ERROR…) for grouping. */
  readonly code?: string;
  /** The request that failed, credentials masked: the reports show it, the terminal does not. */
  readonly url?: string;
}

export interface RunCounts {
  /** Records read from the local store. */
  seen: number;
  /** Items fetched in full. */
  fetched: number;
  /** Skipped: nothing changed since the last run (revision check only). */
  unchanged: number;
  /** Entities that could not be checked (a failed batch). */
  failed: number;
  /** Records that could not be read. */
  unreadable: number;
  /** Entities whose revisions were checked (a sweep, or the night's slice of the rolling verification). */
  verified: number;
  /** Entities left for a later run: the run's request budget was spent. */
  deferred: number;
}

export interface UnreachableHost {
  readonly host: string;
  /** "cannot resolve www.wikidata.org (ENOTFOUND)". */
  readonly reason: string;
}

/** How the run found what changed, and what it could spend. */
export interface RunPlanRecord {
  readonly strategy: Strategy;
  readonly reason: string;
  /** Requests each strategy was expected to need to find what changed. */
  readonly estimates: { readonly sweep: number; readonly feed?: number };
  /** http.budgetPerHour, and what this run could spend (× sync.nightHours). */
  readonly budget: { readonly perHour: number; readonly run: number };
  /** The feeds read, by wiki: rows, rows about local entities, and the time span. */
  readonly feeds?: Record<string, { rows: number; hits: number; from: string; to: string }>;
  /** The rolling verification's slice this run re-checked. */
  readonly verification?: { readonly days: number; readonly slice: number };
}

/** What the run could not reach within its budget, and when later runs will. */
export interface RunBacklog {
  readonly entities: number;
  /** Requests they are expected to need. */
  readonly requests: number;
  /** Requests every run spends first, finding what changed. */
  readonly recurring: number;
  /** Runs at this budget until they are reached, and the date with nightly runs; absent when the budget never will. */
  readonly runs?: number;
  readonly expectedBy?: string;
}

export interface RunProposals {
  /** Proposals first found in this run. */
  created: number;
  /** Open proposals found again. */
  seen: number;
  resolved: number;
  superseded: number;
  /** Findings of this run by kind. */
  byKind: Partial<Record<ProposalKind, number>>;
  /** Fields left undecided because an edit younger than review.coolingOffHours touched them. */
  waiting?: number;
}

/** A field the cooling-off left for a later run: a recent edit on Wikidata touched it. */
export interface RunWaiting {
  readonly entity: string;
  readonly qid: string;
  readonly field: string;
  /** The newest edit that touched it, and when it was made. */
  readonly revision: number;
  readonly editedAt: string;
  /** When a run compares it again: the edit's time plus the cooling-off. */
  readonly until: string;
}

export interface RunRecord {
  readonly id: string;
  readonly trigger: RunTrigger;
  status: RunStatus;
  readonly startedAt: string;
  finishedAt?: string;
  /** The keys or QIDs asked for, when the run was not over the whole store. */
  readonly scope?: readonly string[];
  counts: RunCounts;
  proposals: RunProposals;
  failures: RunFailure[];
  /** Entities compared with something left out (more referenced items than the cap), with why. */
  warnings?: RunFailure[];
  /** Fields a recent edit on Wikidata touched: "recent edit, waiting" (review.coolingOffHours). */
  waiting?: RunWaiting[];
  /** Requests and bytes by endpoint, every attempt counted (retries, and batch attempts that were retried). */
  requests: Record<string, { requests: number; bytes: number }>;
  /** Hosts the run could not reach at all (DNS or connection failures on every try): the run stopped. */
  unreachable?: UnreachableHost[];
  plan?: RunPlanRecord;
  backlog?: RunBacklog;
  /** Set when the circuit breaker held the run's new proposals (src/model/breaker.ts). */
  held?: RunHeld;
}

/** Why a run's new proposals were held, and a few of them to look at. */
export interface RunHeld {
  readonly reason: string;
  /** The fields over their own limit. */
  readonly fields: readonly string[];
  /** Proposals held, and entities compared. */
  readonly proposals: number;
  readonly compared: number;
  readonly sample: readonly HeldSample[];
  /** What a person did with them (`factsync held RUN --release|--discard`), and when. */
  settled?: { readonly action: 'released' | 'discarded'; readonly at: string; readonly proposals: number };
}

export interface HeldSample {
  readonly id: string;
  readonly entity: string;
  readonly field: string;
  readonly kind: string;
}

export function emptyRun(
  id: string,
  trigger: RunTrigger,
  startedAt: string,
  scope?: readonly string[],
): RunRecord {
  return {
    id,
    trigger,
    status: 'running',
    startedAt,
    ...(scope && scope.length > 0 ? { scope } : {}),
    counts: { seen: 0, fetched: 0, unchanged: 0, failed: 0, unreadable: 0, verified: 0, deferred: 0 },
    proposals: { created: 0, seen: 0, resolved: 0, superseded: 0, byKind: {} },
    failures: [],
    requests: {},
  };
}

/** Entities of the run that could not be compared: failed ones, or a batch that failed whole. */
function anyNotCompared(run: Pick<RunRecord, 'counts' | 'failures'>): boolean {
  return run.counts.failed > 0 || run.failures.some((f) => f.code === 'BATCH_FAILED');
}

/** A finished run's status, from what it did (see RunStatus). */
export function finishedStatus(
  run: Pick<RunRecord, 'counts' | 'failures' | 'unreachable'>,
): Exclude<RunStatus, 'running'> {
  if ((run.unreachable ?? []).length > 0) return 'failed';
  if (!anyNotCompared(run)) return 'done';
  return run.counts.failed >= run.counts.seen ? 'failed' : 'partial';
}
