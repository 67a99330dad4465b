// The PostgreSQL proposal store, for several workers on several hosts. Concurrency: reconcile takes a
// transaction-scoped advisory lock on the entity, so two workers reconciling one entity serialise
// (the second reads the first's rows after it commits); row locks are always taken in id order
// (reconcile: FOR UPDATE … ORDER BY id; review: the same), so reviews and reconciles cannot deadlock;
// and migrate serialises on an advisory lock of its own. Errors come out as StoreError with the URL's
// password replaced by ***. Here: the pool, transactions, migrate and reconcile; reads postgres-queries.ts,
// review-side writes postgres-writes.ts, runs postgres-runs.ts, sync state postgres-state.ts.

import pg from 'pg';
import { planReconcile, type StoredProposal } from '../model/lifecycle.js';
import type { Finding, Proposal } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import type { EntityState } from '../sync/state.js';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations/index.js';
import { guarded, redactor } from './postgres-errors.js';
import {
  $,
  countProposals,
  countProposalsBy,
  getProposals,
  listProposals,
  streamProposals,
  wakeSnoozed,
} from './postgres-queries.js';
import { getRunRecord, listRunRecords, saveRunRecord } from './postgres-runs.js';
import {
  clearSyncStates,
  readSyncPositions,
  readSyncStates,
  writeSyncPositions,
  writeSyncStates,
} from './postgres-state.js';
import { markProposalsApplied, moveRunProposals, reviewProposals, touchEntities } from './postgres-writes.js';
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
  chunks,
  findingValues,
  JSON_COLUMNS,
  RUN_MAY_SETTLE,
  STORED_PROPOSAL_COLUMNS,
  StoreError,
  UPSERT_CONFLICT,
  WRITE_COLUMNS,
} from './store-rows.js';
import { checkNote, checkReconcile, storableRun } from './store-values.js';

export interface PostgresStoreOptions {
  /** A schema of its own (created if missing), e.g. one per test file; default: the search_path. */
  readonly schema?: string;
  /** Pool size. */
  readonly max?: number;
}

/** First key of the two-key advisory locks reconcile takes (the second is hashtext(entity)). */
export const ENTITY_LOCK_SPACE = 0x66_73_79; // "fsy"
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

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
    await wakeSnoozed(this.pool);
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
    return this.run(() => listProposals(this.pool, filter, page));
  }

  count(filter: ProposalFilter): Promise<number> {
    return this.run(() => countProposals(this.pool, filter));
  }

  countBy(filter: ProposalFilter, by: 'kind' | 'status' | 'field'): Promise<Record<string, number>> {
    return this.run(() => countProposalsBy(this.pool, filter, by));
  }

  get(ids: readonly string[]): Promise<Proposal[]> {
    return this.run(() => getProposals(this.pool, ids));
  }

  async review(
    ids: readonly string[],
    decision: ReviewDecision,
    at: string,
    note?: string,
  ): Promise<Proposal[]> {
    checkNote(note);
    await this.run(() => this.wake());
    return this.transaction((client) => reviewProposals(client, ids, decision, at, note));
  }

  async touch(entities: readonly string[], at: { runId: string; time: string }): Promise<number> {
    return this.run(() => touchEntities(this.pool, entities, at));
  }

  async markApplied(ids: readonly string[], at: string): Promise<void> {
    await this.transaction((client) => markProposalsApplied(client, ids, at));
  }

  async holdRun(runId: string, move: 'hold' | 'release'): Promise<string[]> {
    return await this.transaction((client) => moveRunProposals(client, runId, move));
  }

  async saveRun(record: RunRecord): Promise<void> {
    const run = storableRun(record);
    await this.run(() => saveRunRecord(this.pool, run));
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.run(() => getRunRecord(this.pool, id));
  }

  listRuns(limit: number): Promise<RunRecord[]> {
    return this.run(() => listRunRecords(this.pool, limit));
  }

  syncStates(keys: readonly string[]): Promise<Map<string, EntityState>> {
    return this.run(() => readSyncStates(this.pool, keys));
  }

  async saveSyncStates(states: ReadonlyMap<string, EntityState>): Promise<void> {
    if (states.size > 0) await this.transaction((client) => writeSyncStates(client, states));
  }

  syncPositions(): Promise<Record<string, string>> {
    return this.run(() => readSyncPositions(this.pool));
  }

  async saveSyncPositions(positions: Readonly<Record<string, string>>): Promise<void> {
    await this.transaction((client) => writeSyncPositions(client, positions));
  }

  async clearSyncState(): Promise<void> {
    await this.transaction((client) => clearSyncStates(client));
  }

  /** Oldest first, or in entity order: postgres-queries.ts says how each is read. */
  stream(filter: ProposalFilter, options: StreamOptions = {}): AsyncIterable<Proposal> {
    return streamProposals(this.pool, (work) => this.run(work), filter, options);
  }

  async close(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
