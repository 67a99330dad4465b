// The SQLite proposal store, the embedded default: one file, WAL mode, shared by several worker processes;
// synchronous (better-sqlite3), so each call is one short statement or transaction; writes lock up front
// (BEGIN IMMEDIATE, busy_timeout), so reconcile and migrate serialise across processes. Here: opening,
// statements, migrate, writes; reads sqlite-queries.ts, runs sqlite-runs.ts, sync state sqlite-state.ts.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { heldMove, planReconcile, type StoredProposal } from '../model/lifecycle.js';
import type { Finding, Proposal } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import type { EntityState } from '../sync/state.js';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations/index.js';
import {
  countProposals,
  countProposalsBy,
  getProposals,
  listProposals,
  marks,
  q,
  streamProposals,
  wakeSnoozed,
} from './sqlite-queries.js';
import { getRunRecord, listRunRecords, saveRunRecord } from './sqlite-runs.js';
import {
  clearSyncStates,
  readSyncPositions,
  readSyncStates,
  writeSyncPositions,
  writeSyncStates,
} from './sqlite-state.js';
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
import { DECIDED_FOR_CARD, reviewUpdate, UNDER_REVIEW } from './store-review.js';
import {
  chunks,
  findingValues,
  inOrder,
  type ProposalRow,
  proposalFromRow,
  READ_COLUMNS,
  REVIEWABLE,
  RUN_MAY_SETTLE,
  STORED_PROPOSAL_COLUMNS,
  UPSERT_CONFLICT,
  WRITE_COLUMNS,
} from './store-rows.js';
import { checkNote, checkReconcile, isStorable, storableRun } from './store-values.js';

/** How long a write waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 15_000;

const UPSERT = `INSERT INTO proposals (${WRITE_COLUMNS.join(', ')})
  VALUES (${WRITE_COLUMNS.map(q).join(', ')}) ${UPSERT_CONFLICT}`;

/**
 * `touch`'s UPDATE of `n` entities' proposals under review, read by entity (proposals_by_entity), named
 * so the planner cannot take the status index instead: the statistics `PRAGMA optimize` leaves (an
 * analysis_limit sample) rate a status as selective when every proposal has it, and by that index each
 * 500-entity touch visited every proposal under review — at 1,000,000 entities (200,000 open proposals)
 * an unchanged night spent 80% of its time there, and writers waiting on it failed with SQLITE_BUSY.
 */
export const touchSql = (n: number) =>
  `UPDATE proposals INDEXED BY proposals_by_entity SET last_seen = ?, last_run = ?
   WHERE entity IN (${marks(n)}) AND ${UNDER_REVIEW}`;

export async function openSqliteStore(file: string): Promise<ProposalStore> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is durable once checkpointed; a power cut may lose the last ones.
    db.pragma('synchronous = NORMAL');
    // Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: reconcile commits often, and
    // at the default a 100k-entity run spent a third of its time in checkpoints.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('cache_size = -16000');
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db);
}

class SqliteStore implements ProposalStore {
  /** Prepared statements by SQL text; filters make a bounded number of variants. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.reconcileTransaction = this.reconcileRows();
  }

  /** An arrow, so the reads (sqlite-queries.ts) and run records (sqlite-runs.ts) can be given it. */
  private readonly statement = (sql: string): Database.Statement => {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  };

  /** Snoozed proposals whose date has come are open again (store.ts); written only when one is due. */
  private wake(): void {
    wakeSnoozed(this.statement);
  }

  async migrate(): Promise<void> {
    this.db
      .transaction(() => {
        this.db.exec(MIGRATIONS_TABLE);
        const applied = this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
        for (const migration of pendingMigrations(applied)) {
          this.db.exec(migration.sqlite);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, new Date().toISOString());
        }
      })
      .immediate();
    this.statements.clear();
  }

  async reconcile(
    entity: string,
    findings: readonly Finding[],
    at: { runId: string; time: string },
    options: ReconcileOptions = {},
  ): Promise<ReconcileResult> {
    checkReconcile(entity, findings, at.runId);
    this.wake();
    return this.reconcileTransaction.immediate(entity, findings, at, options);
  }

  /**
   * reconcile's transaction, made once: better-sqlite3 builds four wrappers for every db.transaction(),
   * which a night paid once an entity.
   */
  private readonly reconcileTransaction: Database.Transaction<
    (
      entity: string,
      findings: readonly Finding[],
      at: { runId: string; time: string },
      options: ReconcileOptions,
    ) => ReconcileResult
  >;

  private reconcileRows(): typeof this.reconcileTransaction {
    return this.db.transaction(
      (
        entity: string,
        findings: readonly Finding[],
        at: { runId: string; time: string },
        options: ReconcileOptions,
      ): ReconcileResult => {
        const existing = this.statement(
          `SELECT ${STORED_PROPOSAL_COLUMNS} FROM proposals WHERE entity = ? ORDER BY id`,
        ).all(entity) as StoredProposal[];
        const plan = planReconcile(findings, existing, { runId: at.runId, ...options });
        const upsert = this.statement(UPSERT);
        for (const { id, finding } of plan.upserts) upsert.run(findingValues(id, finding, at));
        const settle = this.statement(
          `UPDATE proposals SET status = ?, superseded_by = ?, settled_run = ?, settled_at = ?
         WHERE id = ? AND ${RUN_MAY_SETTLE}`,
        );
        for (const change of plan.settle)
          settle.run(
            change.status,
            change.status === 'superseded' ? change.by : null,
            at.runId,
            at.time,
            change.id,
          );
        const { created, seen, superseded, resolved } = plan;
        return { created, seen, superseded, resolved };
      },
    );
  }

  async list(filter: ProposalFilter, page: PageRequest): Promise<ProposalPage> {
    return listProposals(this.statement, filter, page);
  }

  async count(filter: ProposalFilter): Promise<number> {
    return countProposals(this.statement, filter);
  }

  async countBy(filter: ProposalFilter, by: 'kind' | 'status' | 'field'): Promise<Record<string, number>> {
    return countProposalsBy(this.statement, filter, by);
  }

  async get(ids: readonly string[]): Promise<Proposal[]> {
    return getProposals(this.statement, ids);
  }

  async review(
    ids: readonly string[],
    decision: ReviewDecision,
    at: string,
    note?: string,
  ): Promise<Proposal[]> {
    checkNote(note);
    this.wake();
    const review = this.db.transaction(() =>
      chunks([...new Set(ids)].filter(isStorable)).flatMap((part) => {
        const params: unknown[] = [];
        const { set, condition } = reviewUpdate(decision, at, note, params, q);
        return this.statement(
          `UPDATE proposals SET ${set}
           WHERE id IN (${marks(part.length)}) AND status IN (${marks(REVIEWABLE.length)}) AND ${condition}
           RETURNING ${READ_COLUMNS.join(', ')}`,
        ).all(...params, ...part, ...REVIEWABLE) as ProposalRow[];
      }),
    );
    return inOrder(ids, review.immediate().map(proposalFromRow));
  }

  async touch(entities: readonly string[], at: { runId: string; time: string }): Promise<number> {
    let touched = 0;
    const touch = this.db.transaction(() => {
      // A key the store cannot hold has no proposals: nothing to touch.
      for (const part of chunks([...new Set(entities)].filter(isStorable)))
        touched += this.statement(touchSql(part.length)).run(at.time, at.runId, ...part).changes;
    });
    touch.immediate();
    return touched;
  }

  async markApplied(ids: readonly string[], at: string): Promise<void> {
    const apply = this.db.transaction(() => {
      for (const part of chunks([...new Set(ids)]))
        this.statement(
          `UPDATE proposals SET status = 'applied', applied_at = ?
           WHERE id IN (${marks(part.length)}) AND ${DECIDED_FOR_CARD}`,
        ).run(at, ...part);
    });
    apply.immediate();
  }

  async holdRun(runId: string, move: 'hold' | 'release'): Promise<string[]> {
    const { from, to } = heldMove(move);
    const hold = this.db.transaction(() => {
      const ids = this.statement('SELECT id FROM proposals WHERE first_run = ? AND status = ? ORDER BY id')
        .pluck()
        .all(runId, from) as string[];
      this.statement('UPDATE proposals SET status = ? WHERE first_run = ? AND status = ?').run(
        to,
        runId,
        from,
      );
      return ids;
    });
    return hold.immediate();
  }

  async saveRun(record: RunRecord): Promise<void> {
    saveRunRecord(this.statement, storableRun(record));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return getRunRecord(this.statement, id);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    return listRunRecords(this.statement, limit);
  }

  async syncStates(keys: readonly string[]): Promise<Map<string, EntityState>> {
    return readSyncStates(this.statement, keys);
  }

  async saveSyncStates(states: ReadonlyMap<string, EntityState>): Promise<void> {
    writeSyncStates(this.db, this.statement, states);
  }

  async syncPositions(): Promise<Record<string, string>> {
    return readSyncPositions(this.statement);
  }

  async saveSyncPositions(positions: Readonly<Record<string, string>>): Promise<void> {
    writeSyncPositions(this.db, this.statement, positions);
  }

  async clearSyncState(): Promise<void> {
    clearSyncStates(this.db);
  }

  /** Oldest first, or in entity order: sqlite-queries.ts says how each is read. */
  stream(filter: ProposalFilter, options: StreamOptions = {}): AsyncIterable<Proposal> {
    return streamProposals(this.statement, filter, options);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Refreshes the planner's statistics where they drifted (cheap; bounded by analysis_limit).
    this.db.pragma('analysis_limit = 400');
    this.db.pragma('optimize');
    this.db.close();
  }
}
