// What the SQLite and PostgreSQL adapters share, so they cannot drift apart: the row ↔ Proposal
// mapping, the SQL of the reconcile upsert and of its settling guard, the chunks many ids are read and
// written in, and the store's named errors. The SQL of reading a page (filter, cursor, entity pages)
// is store-query.ts; the reconcile decision itself is src/model/lifecycle.ts; what text the store
// cannot hold is store-values.ts.

import type { Side } from '../model/decision.js';
import { REVIEWABLE_STATUSES, RUN_STATUSES, SETTLED_STATUSES } from '../model/lifecycle.js';
import type { Finding, Proposal, ProposalKind, ProposalStatus } from '../model/proposal.js';

export type StoreErrorCode =
  /** The database could not be reached, or the connection broke: retrying later may work. */
  | 'STORE_UNAVAILABLE'
  /** A query failed for another reason (a bug, a constraint, a broken schema). */
  | 'STORE_FAILED'
  /** A `next` cursor that this store did not hand out. */
  | 'BAD_CURSOR'
  /** An argument that cannot be right (a finding of another entity, a limit below 1). */
  | 'BAD_ARGUMENT'
  /** Text the store cannot hold (U+0000, a lone surrogate) in a finding or a note: nothing was written. */
  | 'BAD_VALUE';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The columns a finding fills, shared by what is written and what is read. */
const PROPOSAL_COLUMNS = [
  'id',
  'entity',
  'label',
  'qid',
  'field',
  'property',
  'kind',
  'local',
  'remote',
  'evidence',
  'status',
  'first_seen',
  'last_seen',
  'first_run',
  'last_run',
] as const;

/** The proposal columns in the order rows are written; `search` is derived, never read back. */
export const WRITE_COLUMNS = [...PROPOSAL_COLUMNS, 'search'] as const;
export const JSON_COLUMNS: ReadonlySet<string> = new Set(['local', 'remote', 'evidence']);

/** What the adapters select; local, remote and evidence arrive as JSON text. */
export interface ProposalRow {
  id: string;
  entity: string;
  label: string | null;
  qid: string;
  field: string;
  property: string | null;
  kind: string;
  local: string;
  remote: string;
  evidence: string;
  status: string;
  first_seen: string;
  last_seen: string;
  first_run: string | null;
  last_run: string | null;
  superseded_by: string | null;
  side: string | null;
  snoozed_until: string | null;
  note: string | null;
  reviewed_at: string | null;
}

export const READ_COLUMNS = [
  ...PROPOSAL_COLUMNS,
  'superseded_by',
  'side',
  'snoozed_until',
  'note',
  'reviewed_at',
] as const;

/** A row as the Proposal type has it: optional fields absent, not null. */
export function proposalFromRow(row: ProposalRow): Proposal {
  return {
    id: row.id,
    entity: row.entity,
    ...(row.label !== null ? { label: row.label } : {}),
    qid: row.qid as Proposal['qid'],
    field: row.field,
    ...(row.property !== null ? { property: row.property as NonNullable<Proposal['property']> } : {}),
    kind: row.kind as ProposalKind,
    local: JSON.parse(row.local) as Proposal['local'],
    remote: JSON.parse(row.remote) as Proposal['remote'],
    evidence: JSON.parse(row.evidence) as Proposal['evidence'],
    status: row.status as ProposalStatus,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    ...(row.first_run !== null ? { firstRun: row.first_run } : {}),
    ...(row.last_run !== null ? { lastRun: row.last_run } : {}),
    ...(row.superseded_by !== null ? { supersededBy: row.superseded_by } : {}),
    ...(row.side !== null ? { side: row.side as Side } : {}),
    ...(row.snoozed_until !== null ? { snoozedUntil: row.snoozed_until } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
    ...(row.reviewed_at !== null ? { reviewedAt: row.reviewed_at } : {}),
  };
}

/** A new proposal's values in WRITE_COLUMNS order (on conflict the adapters keep the status). */
export function findingValues(id: string, finding: Finding, at: { runId: string; time: string }): unknown[] {
  return [
    id,
    finding.entity,
    finding.label ?? null,
    finding.qid,
    finding.field,
    finding.property ?? null,
    finding.kind,
    JSON.stringify(finding.local),
    JSON.stringify(finding.remote),
    JSON.stringify(finding.evidence),
    'open',
    at.time,
    at.time,
    at.runId,
    at.runId,
    searchText(finding),
  ];
}

/**
 * The lower-cased text the `search` filter looks in. Lower-cased here rather than in SQL because
 * SQLite's lower() folds ASCII only; the separator keeps a needle from matching across two parts.
 */
export function searchText(finding: Pick<Finding, 'entity' | 'label' | 'qid'>): string {
  return [finding.entity, finding.label ?? '', finding.qid].join('\n').toLowerCase();
}

export const quoted = (statuses: readonly string[]) => statuses.map((status) => `'${status}'`).join(', ');

/**
 * The ON CONFLICT clause of the upsert: refresh what may change without changing the identity, and
 * reopen a proposal a run had settled. A decision (any other status but open) stays as it is.
 */
export const UPSERT_CONFLICT = `ON CONFLICT (id) DO UPDATE SET
  label = excluded.label, qid = excluded.qid, property = excluded.property, local = excluded.local,
  remote = excluded.remote, evidence = excluded.evidence, search = excluded.search,
  last_seen = excluded.last_seen, last_run = excluded.last_run,
  status = CASE WHEN proposals.status IN (${quoted(SETTLED_STATUSES)}) THEN 'open' ELSE proposals.status END,
  superseded_by = CASE WHEN proposals.status IN (${quoted(SETTLED_STATUSES)}) THEN NULL
    ELSE proposals.superseded_by END,
  settled_run = CASE WHEN proposals.status IN (${quoted(SETTLED_STATUSES)}) THEN NULL
    ELSE proposals.settled_run END,
  settled_at = CASE WHEN proposals.status IN (${quoted(SETTLED_STATUSES)}) THEN NULL
    ELSE proposals.settled_at END`;

/** The guard of every settling UPDATE: a run changes no decision, whatever it planned. */
export const RUN_MAY_SETTLE = `status IN (${quoted(RUN_STATUSES)})`;

/** The columns reconcile reads of an entity's proposals, as lifecycle's StoredProposal. */
export const STORED_PROPOSAL_COLUMNS =
  'id, status, field, kind, first_run AS "firstRun", superseded_by AS "supersededBy", settled_run AS "settledRun"';

/** Statuses a review may change: a decision may be revised until the proposal is applied. */
export const REVIEWABLE: readonly ProposalStatus[] = REVIEWABLE_STATUSES;

/** Rows per round trip when streaming, and ids per statement when reading or writing many. */
export const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `get` answers in the order asked, each id once, unknown ids absent. */
export function inOrder(ids: readonly string[], proposals: readonly Proposal[]): Proposal[] {
  const byId = new Map(proposals.map((p) => [p.id, p]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}
