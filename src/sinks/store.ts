// The proposal store: where proposals and run records live. Two adapters (SQLite, the embedded
// default, and PostgreSQL) pass one conformance suite (test/integration/store-conformance.ts).
//
// Contract:
// - `reconcile(entity, findings)` is the only way findings enter. In one transaction it inserts a
//   proposal per new fingerprint (status open), touches `lastSeen`/`lastRun` of known ones, and
//   settles the entity's open proposals that this set no longer contains: `superseded` (with
//   `supersededBy`) when a finding of the same field and kind replaces it, else `resolved` (the local
//   data caught up, or the remote value went away). A resolved or superseded proposal found again
//   reopens. The lifecycle is src/model/lifecycle.ts.
// - A run never changes a reviewer's decision (decided, snoozed, applied: every status but open,
//   resolved and superseded): a decided proposal found again only has `lastSeen`/`lastRun` moved, and
//   one whose finding is gone or replaced stays exactly as it is.
// - A decision is a side (src/model/decision.ts): status `decided` with `side`; `applied` keeps the side
//   it was decided as. A snoozed proposal (`snoozed`, `snoozedUntil`) reads as open from its date on:
//   every read wakes those whose date has come, so no reader ever sees one past its date.
// - Fields a run could not compare in full for the entity (`partialFields`) are left exactly as they
//   are: none of their proposals is resolved, superseded or touched; findings of them are still stored.
// - Its result describes what the run stored: a call repeated within one run (the same runId, a
//   retried batch) returns what the first returned, even though the first already wrote it.
// - Text the store cannot hold (U+0000, a lone UTF-16 surrogate) in a finding or its entity key is
//   refused as BAD_VALUE before anything is written for the entity; in a review note as BAD_VALUE.
//   Ids and entity keys holding it match nothing (get, review, touch); a run record is stored with
//   U+FFFD in its place.
// - It is idempotent and safe under concurrency: the same call twice, or from several workers at
//   once, leaves one row per fingerprint and the same statuses.
// - Listing filters and pages through 100,000 proposals quickly (indexed), newest first.
// - Streaming yields every match once, in the order asked for. In entity order it reads keyset pages
//   of ~1,000 and holds one page at a time; with a `run` filter each page is an index seek (run, then
//   entity and id), so a run's million proposals stream without sorting the run per page.
// - Sync state (SyncStateStore): the store also keeps what the last comparison of each entity saw and
//   where the change feeds were last read, so that a Redis flush costs nothing but caches. Reads answer
//   the keys asked for that have a value; writes replace a key's value whole; a key the store cannot
//   hold (U+0000, a lone surrogate) has no state: it is skipped on write and absent on read.

import type { Decision, Side } from '../model/decision.js';
import type { Finding, Proposal, ProposalKind, ProposalStatus } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import type { EntityState } from '../sync/state.js';

/** What a reconcile stored, as the run reports it; the same for a repeat of the call in the same run. */
export interface ReconcileResult {
  /** The findings first found in this run (by this call or an earlier attempt of it). */
  readonly created: readonly string[];
  /** The findings known from an earlier run. */
  readonly seen: readonly string[];
  /** The entity's proposals this run superseded or resolved. */
  readonly superseded: readonly string[];
  readonly resolved: readonly string[];
}

export interface ReconcileOptions {
  /**
   * Fields the run could NOT compare in full for this entity (e.g. a referenced item's labels could
   * not be read): their proposals are left exactly as they are; findings given for them are stored.
   */
  readonly partialFields?: readonly string[];
}

export interface ProposalFilter {
  readonly status?: readonly ProposalStatus[];
  readonly kind?: readonly ProposalKind[];
  readonly field?: readonly string[];
  /** Decided (or applied) as one of these sides. */
  readonly side?: readonly Side[];
  /** A record key or a QID. */
  readonly entity?: string;
  /** Proposals first found or last seen in this run. */
  readonly run?: string;
  /** First found by this run (its new proposals, as the circuit breaker counts them). */
  readonly firstRun?: string;
  /** A case-insensitive substring of the entity's key, label or QID. */
  readonly search?: string;
}

export interface PageRequest {
  readonly limit: number;
  /** The `next` cursor of the previous page. */
  readonly after?: string;
}

export interface ProposalPage {
  readonly proposals: Proposal[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

export interface StreamOptions {
  /**
   * `first-seen` (the default): oldest first, by firstSeen then id, for exports. `entity`: by entity
   * then id (byte order), so each entity's proposals come together, as the run reports group them.
   */
  readonly order?: 'first-seen' | 'entity';
}

/**
 * A decision (decision.ts), or `accepted`/`rejected`, the words of earlier versions: the kind's
 * natural side and `none`.
 */
export type ReviewDecision = Decision | 'accepted' | 'rejected';

/**
 * The sync state a store keeps for the batches (jobs/state-store.ts) and the planner: entity states by
 * record key, and a few named positions (feed cursors, the planner's estimates) as text.
 */
export interface SyncStateStore {
  /** The states of those of `keys` that have one. */
  syncStates(keys: readonly string[]): Promise<Map<string, EntityState>>;
  /** Inserts or replaces each entity's state, in one transaction. */
  saveSyncStates(states: ReadonlyMap<string, EntityState>): Promise<void>;
  /** Every named position. */
  syncPositions(): Promise<Record<string, string>>;
  /** Inserts or replaces the positions given (others stay), in one transaction. */
  saveSyncPositions(positions: Readonly<Record<string, string>>): Promise<void>;
  /** Forgets every entity state and position: the next run fetches every entity again. */
  clearSyncState(): Promise<void>;
}

export interface ProposalStore extends SyncStateStore {
  /** Creates or upgrades the schema (versioned migrations); safe to call from every process. */
  migrate(): Promise<void>;
  reconcile(
    entity: string,
    findings: readonly Finding[],
    at: { runId: string; time: string },
    options?: ReconcileOptions,
  ): Promise<ReconcileResult>;
  list(filter: ProposalFilter, page: PageRequest): Promise<ProposalPage>;
  count(filter: ProposalFilter): Promise<number>;
  /** Counts by kind, status or field, for summaries and filter menus. */
  countBy(filter: ProposalFilter, by: 'kind' | 'status' | 'field'): Promise<Record<string, number>>;
  get(ids: readonly string[]): Promise<Proposal[]>;
  /**
   * Decides or snoozes proposals (open, decided or snoozed ones: a decision may be changed until the
   * proposal is applied), with the note given (or none). `natural` is each proposal's kind's natural
   * side. A side its kind does not allow (allowedSides) leaves that proposal as it is: entry points check
   * first and say why. Returns the proposals changed; unknown ids are not an error, just absent.
   */
  review(ids: readonly string[], decision: ReviewDecision, at: string, note?: string): Promise<Proposal[]>;
  /**
   * An entity's remote data and local record did not change since the last run: its findings stand.
   * Moves `lastSeen`/`lastRun` of its open, decided and snoozed proposals; returns how many. A key
   * the store cannot hold has no proposals and is skipped.
   */
  touch(entities: readonly string[], at: { runId: string; time: string }): Promise<number>;
  /** Marks proposals decided for the card (`card`, `both`) applied: written back into the local store. */
  markApplied(ids: readonly string[], at: string): Promise<void>;
  /**
   * The circuit breaker: `hold` moves the run's new proposals (first found by it, still open) to
   * `held`; `release` moves its held ones back to open. Returns the ids moved, in id order.
   */
  holdRun(runId: string, move: 'hold' | 'release'): Promise<string[]>;
  /** Inserts or replaces a run record; text the store cannot hold is saved as U+FFFD. */
  saveRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** The most recent runs first. */
  listRuns(limit: number): Promise<RunRecord[]>;
  /** Every proposal the filter selects, streamed oldest first (exports) or in entity order (reports). */
  stream(filter: ProposalFilter, options?: StreamOptions): AsyncIterable<Proposal>;
  close(): Promise<void>;
}
