// What the SQLite and PostgreSQL adapters share, so they cannot drift apart: the row ↔ Proposal
// mapping, the SQL of a filter, of the paging cursor and of the reconcile upsert, and the store's
// named errors. The reconcile decision itself is src/model/lifecycle.ts; what text the store cannot
// hold is store-values.ts.

import type { Side } from '../model/decision.js';
import { REVIEWABLE_STATUSES, RUN_STATUSES, SETTLED_STATUSES } from '../model/lifecycle.js';
import type { Finding, Proposal, ProposalKind, ProposalStatus } from '../model/proposal.js';
import type { ProposalFilter } from './store.js';

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

/** How placeholders are spelled: `?` (SQLite) or `$1…` (PostgreSQL), given the params so far. */
export type Placeholder = (params: unknown[]) => string;

/** The WHERE conditions (joined by AND) of a filter, pushing their parameters onto `params`. */
export function filterConditions(filter: ProposalFilter, params: unknown[], next: Placeholder): string[] {
  const bind = (value: unknown): string => {
    params.push(value);
    return next(params);
  };
  const conditions: string[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    // An empty list is no constraint (nothing ticked = everything), not "matches nothing".
    if (values && values.length > 0) conditions.push(`${column} IN (${values.map(bind).join(', ')})`);
  };
  inList('status', filter.status);
  inList('kind', filter.kind);
  inList('field', filter.field);
  inList('side', filter.side);
  if (filter.entity !== undefined) {
    conditions.push(`(entity = ${bind(filter.entity)} OR qid = ${bind(filter.entity)})`);
  }
  if (filter.run !== undefined) {
    conditions.push(`(first_run = ${bind(filter.run)} OR last_run = ${bind(filter.run)})`);
  }
  if (filter.firstRun !== undefined) conditions.push(`first_run = ${bind(filter.firstRun)}`);
  if (filter.search !== undefined && filter.search !== '') {
    const needle = filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(`search LIKE ${bind(`%${needle}%`)} ESCAPE '\\'`);
  }
  return conditions;
}

/**
 * Rows after a keyset position in the list order (last_seen DESC, id). The first conjunct is a plain
 * range the index can seek to; the second drops the ties already seen.
 */
export function afterCondition(
  position: readonly [string, string],
  params: unknown[],
  next: Placeholder,
): string {
  const bind = (value: unknown): string => {
    params.push(value);
    return next(params);
  };
  const [lastSeen, id] = position;
  return `last_seen <= ${bind(lastSeen)} AND (last_seen < ${bind(lastSeen)} OR id > ${bind(id)})`;
}

/** Proposals per page of the entity-ordered stream. */
export const ENTITY_PAGE = 1_000;

/**
 * One keyset page of the entity-ordered stream: the filter's matches after `position` (the last
 * entity and id yielded) by entity then id, at most `limit`. A run filter (first_run = r OR last_run = r)
 * becomes the UNION of one seek per run index (run, entity, id), each at most `limit` long, keeping
 * only the ids of the page: as an OR, the planner would collect and sort every proposal of the run for
 * each page. `select` is the adapter's SELECT … FROM proposals.
 */
export function entityPageQuery(
  select: string,
  filter: ProposalFilter,
  position: readonly [entity: string, id: string] | undefined,
  limit: number,
  next: Placeholder,
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return next(params);
  };
  const matching = (runColumn?: 'first_run' | 'last_run'): string[] => {
    const conditions = runColumn ? [`${runColumn} = ${bind(filter.run)}`] : [];
    conditions.push(...filterConditions({ ...filter, run: undefined }, params, next));
    if (position) {
      const [entity, id] = position;
      conditions.push(`entity >= ${bind(entity)} AND (entity > ${bind(entity)} OR id > ${bind(id)})`);
    }
    return conditions;
  };
  const order = 'ORDER BY entity, id';
  if (filter.run === undefined) {
    const where = whereClause(matching());
    return { text: `${select} ${where} ${order} LIMIT ${bind(limit)}`, params };
  }
  const seek = (runColumn: 'first_run' | 'last_run') =>
    `SELECT entity, id FROM proposals ${whereClause(matching(runColumn))} ${order} LIMIT ${bind(limit)}`;
  const byLast = seek('last_run');
  const byFirst = seek('first_run');
  const page = `SELECT entity, id FROM (${byLast}) AS by_last
    UNION SELECT entity, id FROM (${byFirst}) AS by_first ${order} LIMIT ${bind(limit)}`;
  return { text: `${select} WHERE id IN (SELECT id FROM (${page}) AS page) ${order}`, params };
}

export function whereClause(conditions: readonly string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** The opaque `next` cursor: the last row's lastSeen and id. */
export function encodeCursor(lastSeen: string, id: string): string {
  return Buffer.from(JSON.stringify([lastSeen, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string'))
      return [value[0] as string, value[1] as string];
  } catch {
    // reported below
  }
  throw new StoreError(
    'BAD_CURSOR',
    `not a cursor of this store: "${cursor.slice(0, 60)}"; pass a page's \`next\``,
  );
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new StoreError('BAD_ARGUMENT', `page limit must be a whole number ≥ 1, got ${limit}`);
}

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
