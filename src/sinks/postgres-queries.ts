// The PostgreSQL store's reads: a page of the list, counts, proposals by id and the two streams, with
// waking the snoozes that have run out before each. Plain functions of the pool; PostgresStore
// (postgres.ts) runs them under its error guard. The SQL they build is store-query.ts.

import type pg from 'pg';
import type { Proposal } from '../model/proposal.js';
import type { PageRequest, ProposalFilter, ProposalPage, StreamOptions } from './store.js';
import {
  afterCondition,
  checkLimit,
  decodeCursor,
  ENTITY_PAGE,
  encodeCursor,
  entityPageQuery,
  filterConditions,
  whereClause,
} from './store-query.js';
import { WAKE_SNOOZED } from './store-review.js';
import {
  CHUNK,
  chunks,
  inOrder,
  JSON_COLUMNS,
  type ProposalRow,
  proposalFromRow,
  READ_COLUMNS,
} from './store-rows.js';
import { isStorable } from './store-values.js';

/** PostgreSQL's placeholder for the last parameter pushed: `$1`, `$2`… */
export const $ = (params: unknown[]) => `$${params.length}`;
export const SELECT = `SELECT ${READ_COLUMNS.map((c) => (JSON_COLUMNS.has(c) ? `${c}::text AS ${c}` : c)).join(', ')}
  FROM proposals`;

/** Snoozed proposals whose date has come are open again (store.ts): one indexed UPDATE, rarely a row. */
export async function wakeSnoozed(pool: pg.Pool): Promise<void> {
  await pool.query(`${WAKE_SNOOZED} $1`, [new Date().toISOString()]);
}

export async function listProposals(
  pool: pg.Pool,
  filter: ProposalFilter,
  page: PageRequest,
): Promise<ProposalPage> {
  checkLimit(page.limit);
  await wakeSnoozed(pool);
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params, $);
  if (page.after !== undefined) conditions.push(afterCondition(decodeCursor(page.after), params, $));
  params.push(page.limit + 1);
  const { rows } = await pool.query<ProposalRow>(
    `${SELECT} ${whereClause(conditions)} ORDER BY last_seen DESC, id LIMIT ${$(params)}`,
    params,
  );
  const proposals = rows.slice(0, page.limit).map(proposalFromRow);
  const last = proposals.at(-1);
  return rows.length > page.limit && last
    ? { proposals, next: encodeCursor(last.lastSeen, last.id) }
    : { proposals };
}

export async function countProposals(pool: pg.Pool, filter: ProposalFilter): Promise<number> {
  await wakeSnoozed(pool);
  const params: unknown[] = [];
  const where = whereClause(filterConditions(filter, params, $));
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM proposals ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}

export async function countProposalsBy(
  pool: pg.Pool,
  filter: ProposalFilter,
  by: 'kind' | 'status' | 'field',
): Promise<Record<string, number>> {
  await wakeSnoozed(pool);
  const params: unknown[] = [];
  const where = whereClause(filterConditions(filter, params, $));
  const { rows } = await pool.query<{ key: string; n: string }>(
    `SELECT ${by} AS key, count(*) AS n FROM proposals ${where} GROUP BY ${by} ORDER BY ${by}`,
    params,
  );
  return Object.fromEntries(rows.map((row) => [row.key, Number(row.n)]));
}

export async function getProposals(pool: pg.Pool, ids: readonly string[]): Promise<Proposal[]> {
  await wakeSnoozed(pool);
  const found: Proposal[] = [];
  for (const part of chunks([...new Set(ids)].filter(isStorable), CHUNK * 4)) {
    const { rows } = await pool.query<ProposalRow>(`${SELECT} WHERE id = ANY($1)`, [part]);
    found.push(...rows.map(proposalFromRow));
  }
  return inOrder(ids, found);
}

/**
 * Oldest first: the matching ids first (one query), then the rows by id, CHUNK at a time: keyset
 * pages over a filter the index does not order would re-read every match per page. A proposal is
 * yielded as it is when its chunk is read (a review meanwhile shows). In entity order: keyset pages
 * (entityPageQuery), one pooled query each, so no connection is held while the reader works. Each
 * query runs under `run`, the store's error guard: a generator is not inside the caller's.
 */
export async function* streamProposals(
  pool: pg.Pool,
  run: <T>(work: () => Promise<T>) => Promise<T>,
  filter: ProposalFilter,
  options: StreamOptions = {},
): AsyncIterable<Proposal> {
  await run(() => wakeSnoozed(pool));
  if (options.order === 'entity') {
    let position: [string, string] | undefined;
    do {
      const { text, params } = entityPageQuery(SELECT, filter, position, ENTITY_PAGE, $);
      const { rows } = await run(() => pool.query<ProposalRow>(text, params));
      const last = rows.at(-1);
      position = rows.length === ENTITY_PAGE && last ? [last.entity, last.id] : undefined;
      yield* rows.map(proposalFromRow);
    } while (position);
    return;
  }
  const params: unknown[] = [];
  const where = whereClause(filterConditions(filter, params, $));
  const { rows: ids } = await run(() =>
    pool.query<{ id: string }>(`SELECT id FROM proposals ${where} ORDER BY first_seen, id`, params),
  );
  for (const part of chunks(ids.map((row) => row.id))) {
    const { rows } = await run(() => pool.query<ProposalRow>(`${SELECT} WHERE id = ANY($1)`, [part]));
    yield* inOrder(part, rows.map(proposalFromRow));
  }
}
