// The SQLite proposal store, the embedded default: one file, WAL mode, shared by several worker
// processes. better-sqlite3 is synchronous, so every call is one short statement or one short
// transaction; writes take the file's write lock up front (BEGIN IMMEDIATE) and wait for it up to
// busy_timeout, which makes reconcile and migrate serialise across processes.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { planReconcile, type StoredProposal } from '../model/lifecycle.js';
import type { Finding, Proposal } from '../model/proposal.js';
import type { RunRecord } from '../model/run.js';
import { MIGRATIONS_TABLE, pendingMigrations } from './migrations/index.js';
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
import {
  DECIDED_FOR_CARD,
  heldMove,
  reviewUpdate,
  SNOOZE_DUE,
  UNDER_REVIEW,
  WAKE_SNOOZED,
} from './store-review.js';
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

const q = () => '?';
const SELECT = `SELECT ${READ_COLUMNS.join(', ')} FROM proposals`;
const UPSERT = `INSERT INTO proposals (${WRITE_COLUMNS.join(', ')})
  VALUES (${WRITE_COLUMNS.map(q).join(', ')}) ${UPSERT_CONFLICT}`;
const marks = (n: number) => Array.from({ length: n }, q).join(', ');

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

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Snoozed proposals whose date has come are open again (store.ts); written only when one is due. */
  private wake(): void {
    const now = new Date().toISOString();
    if (this.statement(`${SNOOZE_DUE} ? LIMIT 1`).get(now) !== undefined)
      this.statement(`${WAKE_SNOOZED} ?`).run(now);
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
    const reconcile = this.db.transaction(() => {
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
    });
    return reconcile.immediate();
  }

  async list(filter: ProposalFilter, page: PageRequest): Promise<ProposalPage> {
    checkLimit(page.limit);
    this.wake();
    const params: unknown[] = [];
    const conditions = filterConditions(filter, params, q);
    if (page.after !== undefined) conditions.push(afterCondition(decodeCursor(page.after), params, q));
    params.push(page.limit + 1);
    const rows = this.statement(
      `${SELECT} ${whereClause(conditions)} ORDER BY last_seen DESC, id LIMIT ?`,
    ).all(params) as ProposalRow[];
    const proposals = rows.slice(0, page.limit).map(proposalFromRow);
    const last = proposals.at(-1);
    return rows.length > page.limit && last
      ? { proposals, next: encodeCursor(last.lastSeen, last.id) }
      : { proposals };
  }

  async count(filter: ProposalFilter): Promise<number> {
    this.wake();
    const params: unknown[] = [];
    const where = whereClause(filterConditions(filter, params, q));
    return this.statement(`SELECT count(*) FROM proposals ${where}`).pluck().get(params) as number;
  }

  async countBy(filter: ProposalFilter, by: 'kind' | 'status' | 'field'): Promise<Record<string, number>> {
    this.wake();
    const params: unknown[] = [];
    const where = whereClause(filterConditions(filter, params, q));
    const rows = this.statement(
      `SELECT ${by} AS key, count(*) AS n FROM proposals ${where} GROUP BY ${by} ORDER BY ${by}`,
    ).all(params) as { key: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.key, row.n]));
  }

  async get(ids: readonly string[]): Promise<Proposal[]> {
    this.wake();
    const rows = chunks([...new Set(ids)].filter(isStorable)).flatMap(
      (part) => this.statement(`${SELECT} WHERE id IN (${marks(part.length)})`).all(part) as ProposalRow[],
    );
    return inOrder(ids, rows.map(proposalFromRow));
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
        touched += this.statement(
          `UPDATE proposals SET last_seen = ?, last_run = ?
           WHERE entity IN (${marks(part.length)}) AND ${UNDER_REVIEW}`,
        ).run(at.time, at.runId, ...part).changes;
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
    const run = storableRun(record);
    this.statement(
      `INSERT INTO runs (id, started_at, finished_at, status, "trigger", record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
         status = excluded.status, "trigger" = excluded."trigger", record = excluded.record`,
    ).run(run.id, run.startedAt, run.finishedAt ?? null, run.status, run.trigger, JSON.stringify(run));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const record = this.statement('SELECT record FROM runs WHERE id = ?').pluck().get(id) as
      | string
      | undefined;
    return record === undefined ? undefined : (JSON.parse(record) as RunRecord);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    checkLimit(limit);
    const records = this.statement('SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?')
      .pluck()
      .all(limit) as string[];
    return records.map((record) => JSON.parse(record) as RunRecord);
  }

  /**
   * Oldest first: the matching ids first (one query), then the rows by id, CHUNK at a time: keyset
   * pages over a filter the index does not order would re-read every match per page. A proposal is
   * yielded as it is when its chunk is read (a review meanwhile shows). In entity order: keyset pages
   * (entityPageQuery), each one statement, so no read transaction stays open between pages.
   */
  async *stream(filter: ProposalFilter, options: StreamOptions = {}): AsyncIterable<Proposal> {
    this.wake();
    if (options.order === 'entity') {
      let position: [string, string] | undefined;
      do {
        const { text, params } = entityPageQuery(SELECT, filter, position, ENTITY_PAGE, q);
        const rows = this.statement(text).all(params) as ProposalRow[];
        const last = rows.at(-1);
        position = rows.length === ENTITY_PAGE && last ? [last.entity, last.id] : undefined;
        yield* rows.map(proposalFromRow);
      } while (position);
      return;
    }
    const params: unknown[] = [];
    const where = whereClause(filterConditions(filter, params, q));
    const ids = this.statement(`SELECT id FROM proposals ${where} ORDER BY first_seen, id`)
      .pluck()
      .all(params) as string[];
    for (const part of chunks(ids)) {
      // By id alone: the filter again would let the planner pick its index over the primary key.
      const rows = this.statement(`${SELECT} WHERE id IN (${marks(part.length)})`).all(part) as ProposalRow[];
      yield* inOrder(part, rows.map(proposalFromRow));
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Refreshes the planner's statistics where they drifted (cheap; bounded by analysis_limit).
    this.db.pragma('analysis_limit = 400');
    this.db.pragma('optimize');
    this.db.close();
  }
}
