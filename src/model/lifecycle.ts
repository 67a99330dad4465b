// A proposal's lifecycle across runs (SPEC §4), decided here once for every store. Pure: the entity's
// current proposals and one run's findings in, the changes out.
//
// A run moves proposals only between `open` and the two states it settles them in: `superseded` (a
// finding of the same field and kind replaced it) and `resolved` (the finding is gone). Every other
// status is a reviewer's decision, which no run changes: a decided proposal found again only has its
// lastSeen moved, and one whose finding is gone or replaced stays as it is. A snoozed proposal is open
// again from its date: the store wakes it before it reads (the snooze ending is the reviewer's own
// decision running out, not a run's doing). A run that trips the circuit breaker has its new proposals
// held, and a person releases them (heldMove).

import { type Finding, fingerprint, type ProposalStatus } from './proposal.js';

/** A reviewer's decisions: no run changes them. A new decision is one more entry here. */
export const DECIDED_STATUSES = [
  'decided',
  'snoozed',
  'applied',
] as const satisfies readonly ProposalStatus[];
/**
 * Held by the circuit breaker (src/model/breaker.ts): new proposals of a run that tripped it, kept out
 * of the open list, the exports and apply until a person releases (open) or discards them (decided
 * `none`). Later runs leave them as they are, as they leave decisions: only a person moves them on.
 */
export const HELD_STATUSES = ['held'] as const satisfies readonly ProposalStatus[];
/** The statuses `holdRun` moves a run's new proposals from and to. */
export function heldMove(move: 'hold' | 'release'): { from: string; to: string } {
  return move === 'hold' ? { from: 'open', to: 'held' } : { from: 'held', to: 'open' };
}
/** The statuses runs move proposals between. */
export const RUN_STATUSES = ['open', 'resolved', 'superseded'] as const satisfies readonly ProposalStatus[];
/** What a run settled: reopened when its finding comes back. */
export const SETTLED_STATUSES = ['resolved', 'superseded'] as const satisfies readonly ProposalStatus[];
/** What a review may change: a decision may be revised until the proposal is applied. */
export const REVIEWABLE_STATUSES = [
  'open',
  'decided',
  'snoozed',
  'held',
] as const satisfies readonly ProposalStatus[];

// Every status is a decision, a run's or held: a status added to PROPOSAL_STATUSES fails to compile
// here until it is put in one of the lists.
type Unclassified = Exclude<
  ProposalStatus,
  (typeof DECIDED_STATUSES)[number] | (typeof RUN_STATUSES)[number] | (typeof HELD_STATUSES)[number]
>;
const everyStatusClassified: [Unclassified] extends [never] ? true : never = true;
void everyStatusClassified;

/**
 * Whether a run may change a proposal of this status. A status this code does not know (written by a
 * newer version) counts as a decision: left alone rather than guessed at.
 */
export function isRunStatus(status: string): status is (typeof RUN_STATUSES)[number] {
  return (RUN_STATUSES as readonly string[]).includes(status);
}

/** One of the entity's proposals, as the store holds it. */
export interface StoredProposal {
  readonly id: string;
  readonly status: string;
  readonly field: string;
  readonly kind: string;
  /** The run that first found it. */
  readonly firstRun: string | null;
  /** The proposal that replaced it, when superseded. */
  readonly supersededBy: string | null;
  /** The run that last resolved or superseded it. */
  readonly settledRun: string | null;
}

export interface ReconcileRun {
  readonly runId: string;
  /**
   * Fields this run could not compare in full for the entity (a referenced item's labels could not
   * be read): their proposals are left exactly as they are. Findings of them are still stored.
   */
  readonly partialFields?: readonly string[];
}

/**
 * What a reconcile stores and reports. The counts describe the entity's state after the call, so a
 * call repeated within one run (a retried batch) reports what the first one did: `created` are the
 * findings first found in this run, `seen` those found before it, `superseded` and `resolved` the
 * proposals this run settled, including those an earlier attempt of the run already wrote.
 */
export interface ReconcilePlan {
  /** The call's findings under their ids, duplicates dropped (the first one kept). */
  readonly upserts: readonly { readonly id: string; readonly finding: Finding }[];
  /** The proposals to settle now: those whose status or replacement is not yet what the run says. */
  readonly settle: readonly Settlement[];
  readonly created: readonly string[];
  readonly seen: readonly string[];
  readonly superseded: readonly string[];
  readonly resolved: readonly string[];
}

export type Settlement =
  | { readonly id: string; readonly status: 'resolved' }
  | { readonly id: string; readonly status: 'superseded'; readonly by: string };

/**
 * The reconcile decision for one entity, made while the store holds the entity's lock. Findings are
 * assumed to be the entity's and storable (the store checks both first).
 */
export function planReconcile(
  findings: readonly Finding[],
  existing: readonly StoredProposal[],
  run: ReconcileRun,
): ReconcilePlan {
  const upserts = new Map<string, Finding>();
  for (const finding of findings) {
    const id = fingerprint(finding);
    if (!upserts.has(id)) upserts.set(id, finding);
  }
  const replacement = new Map<string, string>();
  for (const [id, finding] of upserts) {
    const key = sideKey(finding.field, finding.kind);
    if (!replacement.has(key)) replacement.set(key, id);
  }
  const partial = new Set(run.partialFields ?? []);
  const byId = new Map(existing.map((row) => [row.id, row]));
  const settle: Settlement[] = [];
  const superseded: string[] = [];
  const resolved: string[] = [];
  for (const row of [...existing].sort((a, b) => compare(a.id, b.id))) {
    if (upserts.has(row.id) || !isRunStatus(row.status)) continue;
    const settledByThisRun = row.status !== 'open' && row.settledRun === run.runId;
    if (partial.has(row.field)) {
      // Not compared this time: as it is, though still counted if an earlier attempt settled it.
      if (settledByThisRun) (row.status === 'resolved' ? resolved : superseded).push(row.id);
      continue;
    }
    // Settled by an earlier run: it stays so. Settled by an earlier attempt of this one: decided again,
    // as if it were still open, so the last attempt's findings are what the store holds.
    if (row.status !== 'open' && !settledByThisRun) continue;
    const by = replacement.get(sideKey(row.field, row.kind));
    if (by === undefined) {
      resolved.push(row.id);
      if (row.status !== 'resolved') settle.push({ id: row.id, status: 'resolved' });
    } else {
      superseded.push(row.id);
      if (row.status !== 'superseded' || row.supersededBy !== by)
        settle.push({ id: row.id, status: 'superseded', by });
    }
  }
  const ids = [...upserts.keys()];
  const firstFoundNow = (id: string) => {
    const row = byId.get(id);
    return row === undefined || row.firstRun === run.runId;
  };
  return {
    upserts: [...upserts].map(([id, finding]) => ({ id, finding })),
    settle,
    created: ids.filter(firstFoundNow),
    seen: ids.filter((id) => !firstFoundNow(id)),
    superseded,
    resolved,
  };
}

const sideKey = (field: string, kind: string) => `${field}\u0000${kind}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
