// The PostgreSQL store's review-side writes: a reviewer's decisions, a run touching the proposals
// still under review, apply marking what it wrote, and the circuit breaker holding or releasing a
// run's new proposals. Plain functions of a pool or of a transaction's client; PostgresStore
// (postgres.ts) opens the transaction. Row locks are taken in id order (FOR UPDATE … ORDER BY id), as
// reconcile takes them, so reviews and reconciles cannot deadlock. The SQL of a review is
// store-review.ts.

import type pg from 'pg';
import { heldMove } from '../model/lifecycle.js';
import type { Proposal } from '../model/proposal.js';
import { $, SELECT } from './postgres-queries.js';
import type { ReviewDecision } from './store.js';
import { DECIDED_FOR_CARD, reviewUpdate, UNDER_REVIEW } from './store-review.js';
import { inOrder, type ProposalRow, proposalFromRow, REVIEWABLE } from './store-rows.js';
import { isStorable } from './store-values.js';

const RETURNING = SELECT.replace(/^SELECT/, 'RETURNING').replace(/\s+FROM proposals$/, '');

/** The proposals a review changed, as they are now (a note was checked before). */
export async function reviewProposals(
  client: pg.PoolClient,
  ids: readonly string[],
  decision: ReviewDecision,
  at: string,
  note: string | undefined,
): Promise<Proposal[]> {
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
}

export async function touchEntities(
  pool: pg.Pool,
  entities: readonly string[],
  at: { runId: string; time: string },
): Promise<number> {
  const result = await pool.query(
    `UPDATE proposals SET last_seen = $1, last_run = $2
     WHERE entity = ANY($3) AND ${UNDER_REVIEW}`,
    // A key the store cannot hold has no proposals: nothing to touch.
    [at.time, at.runId, [...new Set(entities)].filter(isStorable)],
  );
  return result.rowCount ?? 0;
}

export async function markProposalsApplied(
  client: pg.PoolClient,
  ids: readonly string[],
  at: string,
): Promise<void> {
  await client.query(
    `UPDATE proposals SET status = 'applied', applied_at = $1
     WHERE id IN (SELECT id FROM proposals WHERE id = ANY($2) AND ${DECIDED_FOR_CARD} ORDER BY id FOR UPDATE)`,
    [at, [...new Set(ids)]],
  );
}

/** The ids of the run's new proposals moved, sorted. */
export async function moveRunProposals(
  client: pg.PoolClient,
  runId: string,
  move: 'hold' | 'release',
): Promise<string[]> {
  const { from, to } = heldMove(move);
  const moved = await client.query<{ id: string }>(
    `UPDATE proposals SET status = $1
     WHERE id IN (SELECT id FROM proposals WHERE first_run = $2 AND status = $3 ORDER BY id FOR UPDATE)
     RETURNING id`,
    [to, runId, from],
  );
  return moved.rows.map((row) => row.id).sort();
}
