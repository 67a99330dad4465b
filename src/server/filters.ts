// The proposals page's query string (status, kind, field, entity, run, q, after, limit) as a store
// filter, and back. Pure. Unknown values are dropped rather than refused: a stale bookmark still opens.

import {
  PROPOSAL_KINDS,
  PROPOSAL_STATUSES,
  type ProposalKind,
  type ProposalStatus,
} from '../model/proposal.js';
import type { ProposalFilter } from '../sinks/store.js';
import { withQuery } from './html.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface ProposalQuery {
  /** A status, or "all"; "open" when absent. */
  readonly status: string;
  readonly kind: string;
  readonly field: string;
  readonly entity: string;
  readonly run: string;
  readonly q: string;
  readonly after: string;
  readonly limit: number;
}

function text(value: unknown, max: number): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}

export function parseProposalQuery(query: unknown): ProposalQuery {
  const raw = (query ?? {}) as Record<string, unknown>;
  const status = text(raw.status, 20);
  const kind = text(raw.kind, 30);
  const limit = Number.parseInt(text(raw.limit, 6), 10);
  return {
    status: status === 'all' || PROPOSAL_STATUSES.includes(status as ProposalStatus) ? status : 'open',
    kind: PROPOSAL_KINDS.includes(kind as ProposalKind) ? kind : '',
    field: text(raw.field, 100),
    entity: text(raw.entity, 200),
    run: text(raw.run, 100),
    q: text(raw.q, 200),
    after: text(raw.after, 1000),
    limit: Number.isInteger(limit) && limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT,
  };
}

/** The store filter of a query, less the facet named (a menu counts what choosing it would show). */
export function filterOf(query: ProposalQuery, without?: 'status' | 'kind' | 'field'): ProposalFilter {
  return {
    ...(query.status !== 'all' && without !== 'status' ? { status: [query.status as ProposalStatus] } : {}),
    ...(query.kind && without !== 'kind' ? { kind: [query.kind as ProposalKind] } : {}),
    ...(query.field && without !== 'field' ? { field: [query.field] } : {}),
    ...(query.entity ? { entity: query.entity } : {}),
    ...(query.run ? { run: query.run } : {}),
    ...(query.q ? { search: query.q } : {}),
  };
}

/** The proposals page for a query (defaults left out), with some parameters changed. */
export function proposalsUrl(query: ProposalQuery, change: Partial<ProposalQuery> = {}): string {
  const next = { ...query, ...change };
  return withQuery('/proposals', {
    status: next.status === 'open' ? undefined : next.status,
    kind: next.kind,
    field: next.field,
    entity: next.entity,
    run: next.run,
    q: next.q,
    limit: next.limit === DEFAULT_LIMIT ? undefined : String(next.limit),
    after: next.after,
  });
}

/** Whether the query narrows anything beyond the default (open proposals). */
export function isFiltered(query: ProposalQuery): boolean {
  return (
    query.status !== 'open' || Boolean(query.kind || query.field || query.entity || query.run || query.q)
  );
}
