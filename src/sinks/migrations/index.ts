// Versioned schema migrations, applied in order, each in the transaction that records it in
// `schema_migrations`. Append a new file per change (the next is 007_…) and list it here; never edit
// one that has shipped. Each migration (types.ts) carries one SQL text per dialect.

import { initial } from './001_initial.js';
import { runEntityOrder } from './002_run_entity_order.js';
import { settledRun } from './003_settled_run.js';
import { restoreDecisions } from './004_restore_decisions.js';
import { decisionSides } from './005_decision_sides.js';
import { syncState } from './006_sync_state.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  initial,
  runEntityOrder,
  settledRun,
  restoreDecisions,
  decisionSides,
  syncState,
];

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at text NOT NULL
)`;

/** The migrations not yet applied, in order. */
export function pendingMigrations(applied: Iterable<number>): Migration[] {
  const done = new Set(applied);
  return MIGRATIONS.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
}
