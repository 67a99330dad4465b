// The SQLite store's sync state (store.ts SyncStateStore): entity states as JSON text by record key,
// and the planner's named positions. Plain functions of the store's database and prepared-statement
// cache; SqliteStore (sqlite.ts) calls them. Each write is one short BEGIN IMMEDIATE transaction.

import type Database from 'better-sqlite3';
import type { EntityState } from '../sync/state.js';
import type { Prepared } from './sqlite-queries.js';
import { marks } from './sqlite-queries.js';
import { chunks } from './store-rows.js';
import { isStorable } from './store-values.js';

export function readSyncStates(statement: Prepared, keys: readonly string[]): Map<string, EntityState> {
  const found = new Map<string, EntityState>();
  for (const part of chunks([...new Set(keys)].filter(isStorable))) {
    const rows = statement(`SELECT key, state FROM sync_state WHERE key IN (${marks(part.length)})`)
      .raw()
      .all(...part) as Array<[string, string]>;
    for (const [key, state] of rows) found.set(key, JSON.parse(state) as EntityState);
  }
  return found;
}

export function writeSyncStates(
  db: Database.Database,
  statement: Prepared,
  states: ReadonlyMap<string, EntityState>,
): void {
  if (states.size === 0) return;
  const upsert = statement(
    'INSERT INTO sync_state (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state',
  );
  db.transaction(() => {
    for (const [key, state] of states) if (isStorable(key)) upsert.run(key, JSON.stringify(state));
  }).immediate();
}

export function readSyncPositions(statement: Prepared): Record<string, string> {
  const rows = statement('SELECT name, value FROM sync_positions').raw().all() as Array<[string, string]>;
  return Object.fromEntries(rows);
}

export function writeSyncPositions(
  db: Database.Database,
  statement: Prepared,
  positions: Readonly<Record<string, string>>,
): void {
  const upsert = statement(
    'INSERT INTO sync_positions (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  );
  db.transaction(() => {
    for (const [name, value] of Object.entries(positions))
      if (isStorable(name) && isStorable(value)) upsert.run(name, value);
  }).immediate();
}

export function clearSyncStates(db: Database.Database): void {
  db.transaction(() => {
    db.exec('DELETE FROM sync_state; DELETE FROM sync_positions;');
  }).immediate();
}
