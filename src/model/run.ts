// A run's record (SPEC §5): when and why it ran, what it saw and did, and every failure with its reason.

import type { ProposalKind } from './proposal.js';

export type RunTrigger = 'nightly' | 'manual' | 'refresh' | 'one-off';
export type RunStatus = 'running' | 'done' | 'failed';

export interface RunFailure {
  /** What failed: an entity, a batch of ids, or an unreadable record (file, line). */
  readonly entity?: string;
  readonly ids?: readonly string[];
  readonly file?: string;
  readonly line?: number;
  readonly reason: string;
  /** A stable code (HTTP_TIMEOUT, READ_ERROR…) for grouping. */
  readonly code?: string;
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
  /** Requests and bytes by endpoint. */
  requests: Record<string, { requests: number; bytes: number }>;
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
    counts: { seen: 0, fetched: 0, unchanged: 0, failed: 0, unreadable: 0 },
    proposals: { created: 0, seen: 0, resolved: 0, superseded: 0, byKind: {} },
    failures: [],
    requests: {},
  };
}
