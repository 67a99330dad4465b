// The PostgreSQL store's sync state (store.ts SyncStateStore): entity states as JSON text by record
// key, and the planner's named positions. Plain functions of the pool; PostgresStore (postgres.ts) runs
// them under its error guard. Bulk reads and writes pass arrays (one statement per 500 keys).

import type pg from 'pg';
import type { EntityState } from '../sync/state.js';
import { chunks } from './store-rows.js';
import { isStorable } from './store-values.js';

export async function readSyncStates(
  pool: pg.Pool,
  keys: readonly string[],
): Promise<Map<string, EntityState>> {
  const found = new Map<string, EntityState>();
  for (const part of chunks([...new Set(keys)].filter(isStorable))) {
    const { rows } = await pool.query<{ key: string; state: string }>(
      'SELECT key, state FROM sync_state WHERE key = ANY($1::text[])',
      [part],
    );
    for (const row of rows) found.set(row.key, JSON.parse(row.state) as EntityState);
  }
  return found;
}

/** Upserts `pairs` (name, value) into a two-column table, a chunk a statement, in `client`'s transaction. */
async function upsertPairs(
  client: pg.PoolClient,
  table: 'sync_state' | 'sync_positions',
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<void> {
  const [name, value] = table === 'sync_state' ? ['key', 'state'] : ['name', 'value'];
  for (const part of chunks(pairs))
    await client.query(
      `INSERT INTO ${table} (${name}, ${value})
       SELECT * FROM unnest($1::text[], $2::text[]) ORDER BY 1
       ON CONFLICT (${name}) DO UPDATE SET ${value} = excluded.${value}`,
      [part.map((pair) => pair[0]), part.map((pair) => pair[1])],
    );
}

export async function writeSyncStates(
  client: pg.PoolClient,
  states: ReadonlyMap<string, EntityState>,
): Promise<void> {
  const pairs = [...states]
    .filter(([key]) => isStorable(key))
    .map(([key, state]) => [key, JSON.stringify(state)] as const);
  await upsertPairs(client, 'sync_state', pairs);
}

export async function readSyncPositions(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; value: string }>(
    'SELECT name, value FROM sync_positions',
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

export async function writeSyncPositions(
  client: pg.PoolClient,
  positions: Readonly<Record<string, string>>,
): Promise<void> {
  const pairs = Object.entries(positions).filter(([name, value]) => isStorable(name) && isStorable(value));
  await upsertPairs(client, 'sync_positions', pairs);
}

export async function clearSyncStates(client: pg.PoolClient): Promise<void> {
  await client.query('DELETE FROM sync_state');
  await client.query('DELETE FROM sync_positions');
}
