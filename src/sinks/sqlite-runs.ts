// The SQLite store's run records: each run's whole RunRecord as JSON text, with the columns listRuns
// orders by. Plain functions of the store's prepared-statement cache; SqliteStore (sqlite.ts) makes a
// record storable (store-values.ts) first.

import type { RunRecord } from '../model/run.js';
import type { Prepared } from './sqlite-queries.js';
import { checkLimit } from './store-query.js';

export function saveRunRecord(statement: Prepared, run: RunRecord): void {
  statement(
    `INSERT INTO runs (id, started_at, finished_at, status, "trigger", record) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
       status = excluded.status, "trigger" = excluded."trigger", record = excluded.record`,
  ).run(run.id, run.startedAt, run.finishedAt ?? null, run.status, run.trigger, JSON.stringify(run));
}

export function getRunRecord(statement: Prepared, id: string): RunRecord | undefined {
  const record = statement('SELECT record FROM runs WHERE id = ?').pluck().get(id) as string | undefined;
  return record === undefined ? undefined : (JSON.parse(record) as RunRecord);
}

export function listRunRecords(statement: Prepared, limit: number): RunRecord[] {
  checkLimit(limit);
  const records = statement('SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?')
    .pluck()
    .all(limit) as string[];
  return records.map((record) => JSON.parse(record) as RunRecord);
}
