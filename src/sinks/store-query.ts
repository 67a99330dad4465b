// The SQL of reading a page of proposals, shared by the SQLite and PostgreSQL adapters so their lists
// cannot drift apart: a filter's WHERE conditions, the keyset position of `list` and its opaque `next`
// cursor, and the keyset pages of the entity-ordered stream. Each builder pushes its parameters and
// spells their placeholders the adapter's way (Placeholder). Also the check of a page's limit.

import type { ProposalFilter } from './store.js';
import { StoreError } from './store-rows.js';

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
