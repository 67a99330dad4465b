// The SQLite store's reads: a page of the list, counts, proposals by id and the two streams, with
// waking the snoozes that have run out before each. Plain functions of the store's prepared-statement
// cache (Prepared); SqliteStore (sqlite.ts) calls them. The SQL they build is store-query.ts.

import type Database from 'better-sqlite3';
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
import { SNOOZE_DUE, WAKE_SNOOZED } from './store-review.js';
import { chunks, inOrder, type ProposalRow, proposalFromRow, READ_COLUMNS } from './store-rows.js';
import { isStorable } from './store-values.js';

/** The store's statement of this SQL text, prepared once and kept. */
export type Prepared = (sql: string) => Database.Statement;

export const q = () => '?';
export const SELECT = `SELECT ${READ_COLUMNS.join(', ')} FROM proposals`;
export const marks = (n: number) => Array.from({ length: n }, q).join(', ');

/** Snoozed proposals whose date has come are open again (store.ts); written only when one is due. */
export function wakeSnoozed(statement: Prepared): void {
  const now = new Date().toISOString();
  if (statement(`${SNOOZE_DUE} ? LIMIT 1`).get(now) !== undefined) statement(`${WAKE_SNOOZED} ?`).run(now);
}

export function listProposals(statement: Prepared, filter: ProposalFilter, page: PageRequest): ProposalPage {
  checkLimit(page.limit);
  wakeSnoozed(statement);
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params, q);
  if (page.after !== undefined) conditions.push(afterCondition(decodeCursor(page.after), params, q));
  params.push(page.limit + 1);
  const rows = statement(`${SELECT} ${whereClause(conditions)} ORDER BY last_seen DESC, id LIMIT ?`).all(
    params,
  ) as ProposalRow[];
  const proposals = rows.slice(0, page.limit).map(proposalFromRow);
  const last = proposals.at(-1);
  return rows.length > page.limit && last
    ? { proposals, next: encodeCursor(last.lastSeen, last.id) }
    : { proposals };
}

export function countProposals(statement: Prepared, filter: ProposalFilter): number {
  wakeSnoozed(statement);
  const params: unknown[] = [];
  const where = whereClause(filterConditions(filter, params, q));
  return statement(`SELECT count(*) FROM proposals ${where}`).pluck().get(params) as number;
}

export function countProposalsBy(
  statement: Prepared,
  filter: ProposalFilter,
  by: 'kind' | 'status' | 'field',
): Record<string, number> {
  wakeSnoozed(statement);
  const params: unknown[] = [];
  const where = whereClause(filterConditions(filter, params, q));
  const rows = statement(
    `SELECT ${by} AS key, count(*) AS n FROM proposals ${where} GROUP BY ${by} ORDER BY ${by}`,
  ).all(params) as { key: string; n: number }[];
  return Object.fromEntries(rows.map((row) => [row.key, row.n]));
}

export function getProposals(statement: Prepared, ids: readonly string[]): Proposal[] {
  wakeSnoozed(statement);
  const rows = chunks([...new Set(ids)].filter(isStorable)).flatMap(
    (part) => statement(`${SELECT} WHERE id IN (${marks(part.length)})`).all(part) as ProposalRow[],
  );
  return inOrder(ids, rows.map(proposalFromRow));
}

/**
 * Oldest first: the matching ids first (one query), then the rows by id, CHUNK at a time: keyset
 * pages over a filter the index does not order would re-read every match per page. A proposal is
 * yielded as it is when its chunk is read (a review meanwhile shows). In entity order: keyset pages
 * (entityPageQuery), each one statement, so no read transaction stays open between pages.
 */
export async function* streamProposals(
  statement: Prepared,
  filter: ProposalFilter,
  options: StreamOptions = {},
): AsyncIterable<Proposal> {
  wakeSnoozed(statement);
  if (options.order === 'entity') {
    let position: [string, string] | undefined;
    do {
      const { text, params } = entityPageQuery(SELECT, filter, position, ENTITY_PAGE, q);
      const rows = statement(text).all(params) as ProposalRow[];
      const last = rows.at(-1);
      position = rows.length === ENTITY_PAGE && last ? [last.entity, last.id] : undefined;
      yield* rows.map(proposalFromRow);
    } while (position);
    return;
  }
  const params: unknown[] = [];
  const where = whereClause(filterConditions(filter, params, q));
  const ids = statement(`SELECT id FROM proposals ${where} ORDER BY first_seen, id`)
    .pluck()
    .all(params) as string[];
  for (const part of chunks(ids)) {
    // By id alone: the filter again would let the planner pick its index over the primary key.
    const rows = statement(`${SELECT} WHERE id IN (${marks(part.length)})`).all(part) as ProposalRow[];
    yield* inOrder(part, rows.map(proposalFromRow));
  }
}
