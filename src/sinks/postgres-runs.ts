// The PostgreSQL store's run records: each run's whole RunRecord as jsonb, with the columns listRuns
// orders by. Plain functions of the pool; PostgresStore (postgres.ts) runs them under its error guard
// and makes a record storable (store-values.ts) first.

import type pg from 'pg';
import type { RunRecord } from '../model/run.js';
import { checkLimit } from './store-query.js';

export async function saveRunRecord(pool: pg.Pool, run: RunRecord): Promise<void> {
  await pool.query(
    `INSERT INTO runs (id, started_at, finished_at, status, "trigger", record)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
       status = excluded.status, "trigger" = excluded."trigger", record = excluded.record`,
    [run.id, run.startedAt, run.finishedAt ?? null, run.status, run.trigger, JSON.stringify(run)],
  );
}

export async function getRunRecord(pool: pg.Pool, id: string): Promise<RunRecord | undefined> {
  const { rows } = await pool.query<{ record: string }>(
    'SELECT record::text AS record FROM runs WHERE id = $1',
    [id],
  );
  const record = rows[0]?.record;
  return record === undefined ? undefined : (JSON.parse(record) as RunRecord);
}

export async function listRunRecords(pool: pg.Pool, limit: number): Promise<RunRecord[]> {
  checkLimit(limit);
  const { rows } = await pool.query<{ record: string }>(
    'SELECT record::text AS record FROM runs ORDER BY started_at DESC, id DESC LIMIT $1',
    [limit],
  );
  return rows.map((row) => JSON.parse(row.record) as RunRecord);
}
