// The PostgreSQL proposal store, for several workers on several hosts. Concurrency: reconcile takes a
// transaction-scoped advisory lock on the entity, so two workers reconciling one entity serialise
// (the second reads the first's rows after it commits); row locks are always taken in id order
// (reconcile: FOR UPDATE … ORDER BY id; review: the same), so reviews and reconciles cannot deadlock;
// and migrate serialises on an advisory lock of its own. Errors come out as StoreError with the URL's
// password replaced by ***.

import pg from 'pg';
import { planReconcile, type StoredProposal } from '../model/lifecycle.js';
import type { Finding, Proposal } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations/index.js';
import { guarded, redactor } from './postgres-errors.js';
import type {
  PageRequest,
  ProposalFilter,
  ProposalPage,
  ProposalStore,
  ReconcileOptions,
  ReconcileResult,
  ReviewDecision,
  StreamOptions,
} from './store.js';
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
import { DECIDED_FOR_CARD, heldMove, reviewUpdate, UNDER_REVIEW, WAKE_SNOOZED } from './store-review.js';
import {
  CHUNK,
  chunks,
  findingValues,
  inOrder,
  JSON_COLUMNS,
  type ProposalRow,
  proposalFromRow,
  READ_COLUMNS,
  REVIEWABLE,
  RUN_MAY_SETTLE,
  STORED_PROPOSAL_COLUMNS,
  StoreError,
  UPSERT_CONFLICT,
  WRITE_COLUMNS,
} from './store-rows.js';
import { checkNote, checkReconcile, isStorable, storableRun } from './store-values.js';

export interface PostgresStoreOptions {
  /** A schema of its own (created if missing), e.g. one per test file; default: the search_path. */
  readonly schema?: string;
  /** Pool size. */
  readonly max?: number;
}

/** First key of the two-key advisory locks reconcile takes (the second is hashtext(entity)). */
export const ENTITY_LOCK_SPACE = 0x66_73_79; // "fsy"
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const $ = (params: unknown[]) => `$${params.length}`;
const SELECT = `SELECT ${READ_COLUMNS.map((c) => (JSON_COLUMNS.has(c) ? `${c}::text AS ${c}` : c)).join(', ')}
  FROM proposals`;
const RETURNING = SELECT.replace(/^SELECT/, 'RETURNING').replace(/\s+FROM proposals$/, '');

export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<ProposalStore> {
  const redact = redactor(url);
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new StoreError('BAD_ARGUMENT', `schema "${schema}": expected lower-case letters, digits and _`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection emits here; without a listener that would crash the
  // process. The next query reports the problem instead.
  pool.on('error', () => {});
  const store = new PostgresStore(pool, redact);
  if (schema !== undefined) {
    try {
      await guarded(redact, () => createSchema(pool, schema));
    } catch (error) {
      await pool.end();
      throw error;
    }
  }
  return store;
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    // Two processes creating it at once: one of them loses the race on the catalog's unique index.
    if (!['23505', '42P06'].includes(String((error as { code?: unknown }).code))) throw error;
  }
}

class PostgresStore implements ProposalStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly redact: (error: unknown) => StoreError,
  ) {}

  private run<T>(work: () => Promise<T>): Promise<T> {
    return guarded(this.redact, work);
  }

  /** Snoozed proposals whose date has come are open again (store.ts): one indexed UPDATE, rarely a row. */
  private async wake(): Promise<void> {
    await this.pool.query(`${WAKE_SNOOZED} $1`, [new Date().toISOString()]);
  }

  /** Runs `work` in a transaction on one pooled client; a client whose connection broke is discarded. */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.run(async () => {
      const client = await this.pool.connect();
      let broken = false;
      // A connection that dies (a PostgreSQL restart ends every backend) makes the client emit 'error'
      // as well as fail its query; checked out, nothing in the pool listens, and an unheard 'error'
      // would kill the process. The query's own error is what the caller gets.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    });
  }

  async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('factsync.migrate.' || current_schema()))`);
      await client.query(MIGRATIONS_TABLE);
      const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      for (const migration of pendingMigrations(applied.rows.map((row) => row.version))) {
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
      }
    });
  }

  async reconcile(
    entity: string,
    findings: readonly Finding[],
    at: { runId: string; time: string },
    options: ReconcileOptions = {},
  ): Promise<ReconcileResult> {
    checkReconcile(entity, findings, at.runId);
    await this.run(() => this.wake());
    return this.transaction(async (client) => {
      // Named statements: parsed and planned once per connection, reconcile is the hot path.
      await client.query({
        name: 'factsync-entity-lock',
        text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
        values: [ENTITY_LOCK_SPACE, entity],
      });
      // A statement of its own after the lock: its snapshot includes what the previous holder committed.
      const existing = await client.query<StoredProposal>({
        name: 'factsync-entity-rows',
        text: `SELECT ${STORED_PROPOSAL_COLUMNS} FROM proposals WHERE entity = $1 ORDER BY id FOR UPDATE`,
        values: [entity],
      });
      const plan = planReconcile(findings, existing.rows, { runId: at.runId, ...options });
      for (const part of chunks(plan.upserts, 200)) {
        const params: unknown[] = [];
        const rows = part.map(({ id, finding }) => {
          const values = findingValues(id, finding, at);
          const marks = WRITE_COLUMNS.map((column, i) => {
            params.push(values[i]);
            return JSON_COLUMNS.has(column) ? `${$(params)}::jsonb` : $(params);
          });
          return `(${marks.join(', ')})`;
        });
        await client.query({
          ...(part.length <= 8 ? { name: `factsync-upsert-${part.length}` } : {}),
          text: `INSERT INTO proposals (${WRITE_COLUMNS.join(', ')}) VALUES ${rows.join(', ')} ${UPSERT_CONFLICT}`,
          values: params,
        });
      }
      if (plan.settle.length > 0)
        await client.query(
          `UPDATE proposals AS p SET status = s.status, superseded_by = s.by, settled_run = $4, settled_at = $5
           FROM unnest($1::text[], $2::text[], $3::text[]) AS s(id, status, by)
           WHERE p.id = s.id AND p.${RUN_MAY_SETTLE}`,
          [
            plan.settle.map((change) => change.id),
            plan.settle.map((change) => change.status),
            plan.settle.map((change) => (change.status === 'superseded' ? change.by : null)),
            at.runId,
            at.time,
          ],
        );
      const { created, seen, superseded, resolved } = plan;
      return { created, seen, superseded, resolved };
    });
  }

  list(filter: ProposalFilter, page: PageRequest): Promise<ProposalPage> {
    return this.run(async () => {
      checkLimit(page.limit);
      await this.wake();
      const params: unknown[] = [];
      const conditions = filterConditions(filter, params, $);
      if (page.after !== undefined) conditions.push(afterCondition(decodeCursor(page.after), params, $));
      params.push(page.limit + 1);
      const { rows } = await this.pool.query<ProposalRow>(
        `${SELECT} ${whereClause(conditions)} ORDER BY last_seen DESC, id LIMIT ${$(params)}`,
        params,
      );
      const proposals = rows.slice(0, page.limit).map(proposalFromRow);
      const last = proposals.at(-1);
      return rows.length > page.limit && last
        ? { proposals, next: encodeCursor(last.lastSeen, last.id) }
        : { proposals };
    });
  }

  count(filter: ProposalFilter): Promise<number> {
    return this.run(async () => {
      await this.wake();
      const params: unknown[] = [];
      const where = whereClause(filterConditions(filter, params, $));
      const { rows } = await this.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM proposals ${where}`,
        params,
      );
      return Number(rows[0]?.n ?? 0);
    });
  }

  countBy(filter: ProposalFilter, by: 'kind' | 'status' | 'field'): Promise<Record<string, number>> {
    return this.run(async () => {
      await this.wake();
      const params: unknown[] = [];
      const where = whereClause(filterConditions(filter, params, $));
      const { rows } = await this.pool.query<{ key: string; n: string }>(
        `SELECT ${by} AS key, count(*) AS n FROM proposals ${where} GROUP BY ${by} ORDER BY ${by}`,
        params,
      );
      return Object.fromEntries(rows.map((row) => [row.key, Number(row.n)]));
    });
  }

  get(ids: readonly string[]): Promise<Proposal[]> {
    return this.run(async () => {
      await this.wake();
      const found: Proposal[] = [];
      for (const part of chunks([...new Set(ids)].filter(isStorable), CHUNK * 4)) {
        const { rows } = await this.pool.query<ProposalRow>(`${SELECT} WHERE id = ANY($1)`, [part]);
        found.push(...rows.map(proposalFromRow));
      }
      return inOrder(ids, found);
    });
  }

  async review(
    ids: readonly string[],
    decision: ReviewDecision,
    at: string,
    note?: string,
  ): Promise<Proposal[]> {
    checkNote(note);
    await this.run(() => this.wake());
    return this.transaction(async (client) => {
      const params: unknown[] = [];
      const { set, condition } = reviewUpdate(decision, at, note, params, $);
      params.push([...new Set(ids)].filter(isStorable));
      const idsParam = $(params);
      params.push(REVIEWABLE);
      const { rows } = await client.query<ProposalRow>(
        `UPDATE proposals SET ${set}
         WHERE id IN (SELECT id FROM proposals WHERE id = ANY(${idsParam}) AND status = ANY(${$(params)})
           AND ${condition} ORDER BY id FOR UPDATE)
         ${RETURNING}`,
        params,
      );
      return inOrder(ids, rows.map(proposalFromRow));
    });
  }

  async touch(entities: readonly string[], at: { runId: string; time: string }): Promise<number> {
    return this.run(async () => {
      const result = await this.pool.query(
        `UPDATE proposals SET last_seen = $1, last_run = $2
         WHERE entity = ANY($3) AND ${UNDER_REVIEW}`,
        // A key the store cannot hold has no proposals: nothing to touch.
        [at.time, at.runId, [...new Set(entities)].filter(isStorable)],
      );
      return result.rowCount ?? 0;
    });
  }

  async markApplied(ids: readonly string[], at: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(
        `UPDATE proposals SET status = 'applied', applied_at = $1
         WHERE id IN (SELECT id FROM proposals WHERE id = ANY($2) AND ${DECIDED_FOR_CARD} ORDER BY id FOR UPDATE)`,
        [at, [...new Set(ids)]],
      );
    });
  }

  async holdRun(runId: string, move: 'hold' | 'release'): Promise<string[]> {
    const { from, to } = heldMove(move);
    return await this.transaction(async (client) => {
      const moved = await client.query<{ id: string }>(
        `UPDATE proposals SET status = $1
         WHERE id IN (SELECT id FROM proposals WHERE first_run = $2 AND status = $3 ORDER BY id FOR UPDATE)
         RETURNING id`,
        [to, runId, from],
      );
      return moved.rows.map((row) => row.id).sort();
    });
  }

  async saveRun(record: RunRecord): Promise<void> {
    const run = storableRun(record);
    await this.run(() =>
      this.pool.query(
        `INSERT INTO runs (id, started_at, finished_at, status, "trigger", record)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb)
         ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
           status = excluded.status, "trigger" = excluded."trigger", record = excluded.record`,
        [run.id, run.startedAt, run.finishedAt ?? null, run.status, run.trigger, JSON.stringify(run)],
      ),
    );
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.run(async () => {
      const { rows } = await this.pool.query<{ record: string }>(
        'SELECT record::text AS record FROM runs WHERE id = $1',
        [id],
      );
      const record = rows[0]?.record;
      return record === undefined ? undefined : (JSON.parse(record) as RunRecord);
    });
  }

  listRuns(limit: number): Promise<RunRecord[]> {
    return this.run(async () => {
      checkLimit(limit);
      const { rows } = await this.pool.query<{ record: string }>(
        'SELECT record::text AS record FROM runs ORDER BY started_at DESC, id DESC LIMIT $1',
        [limit],
      );
      return rows.map((row) => JSON.parse(row.record) as RunRecord);
    });
  }

  /**
   * Oldest first: the matching ids first (one query), then the rows by id, CHUNK at a time: keyset
   * pages over a filter the index does not order would re-read every match per page. A proposal is
   * yielded as it is when its chunk is read (a review meanwhile shows). In entity order: keyset pages
   * (entityPageQuery), one pooled query each, so no connection is held while the reader works.
   */
  async *stream(filter: ProposalFilter, options: StreamOptions = {}): AsyncIterable<Proposal> {
    await this.run(() => this.wake());
    if (options.order === 'entity') {
      let position: [string, string] | undefined;
      do {
        const { text, params } = entityPageQuery(SELECT, filter, position, ENTITY_PAGE, $);
        const { rows } = await this.run(() => this.pool.query<ProposalRow>(text, params));
        const last = rows.at(-1);
        position = rows.length === ENTITY_PAGE && last ? [last.entity, last.id] : undefined;
        yield* rows.map(proposalFromRow);
      } while (position);
      return;
    }
    const params: unknown[] = [];
    const where = whereClause(filterConditions(filter, params, $));
    const { rows: ids } = await this.run(() =>
      this.pool.query<{ id: string }>(`SELECT id FROM proposals ${where} ORDER BY first_seen, id`, params),
    );
    for (const part of chunks(ids.map((row) => row.id))) {
      const { rows } = await this.run(() =>
        this.pool.query<ProposalRow>(`${SELECT} WHERE id = ANY($1)`, [part]),
      );
      yield* inOrder(part, rows.map(proposalFromRow));
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
