// The SQL of a review, shared by the SQLite and PostgreSQL adapters: the UPDATE a decision or a snooze
// makes (a side kept off the kinds that do not allow it), waking the snoozes whose date has come, and
// the guards of touch and markApplied. What each kind allows is src/model/decision.ts.

import { allowedSides, CARD_SIDES, type Decision, naturalSide } from '../model/decision.js';
import { REVIEWABLE_STATUSES } from '../model/lifecycle.js';
import { PROPOSAL_KINDS } from '../model/proposal.js';
import type { ReviewDecision } from './store.js';
import type { Placeholder } from './store-query.js';
import { quoted } from './store-rows.js';

/** The words of earlier versions as decisions: accepted is the kind's natural side, rejected is none. */
export function decisionOf(review: ReviewDecision): Decision {
  if (review === 'accepted') return { side: 'natural' };
  if (review === 'rejected') return { side: 'none' };
  return review;
}

/** Each kind's natural side, as SQL over the row's kind (the kinds and sides are constants). */
const NATURAL_SIDE_SQL = `CASE kind ${PROPOSAL_KINDS.map((kind) => `WHEN '${kind}' THEN '${naturalSide(kind)}'`).join(' ')} ELSE 'none' END`;

/**
 * A review's UPDATE, as the adapters run it: the SET clause, and the condition that keeps a side off
 * the kinds that do not allow it. Parameters are pushed onto `params` in the order they appear.
 */
export function reviewUpdate(
  review: ReviewDecision,
  at: string,
  note: string | undefined,
  params: unknown[],
  next: Placeholder,
): { set: string; condition: string } {
  const bind = (value: unknown): string => {
    params.push(value);
    return next(params);
  };
  // Bound in the order they appear: SQLite's `?` are positional.
  const decision = decisionOf(review);
  const stamp = () => `reviewed_at = ${bind(at)}, note = ${bind(note ?? null)}`;
  if ('until' in decision)
    return {
      set: `status = 'snoozed', side = NULL, snoozed_until = ${bind(decision.until)}, ${stamp()}`,
      condition: 'TRUE',
    };
  if (decision.side === 'natural')
    return {
      set: `status = 'decided', side = ${NATURAL_SIDE_SQL}, snoozed_until = NULL, ${stamp()}`,
      condition: 'TRUE',
    };
  const side = decision.side;
  const kinds = PROPOSAL_KINDS.filter((kind) => allowedSides(kind).includes(side));
  return {
    set: `status = 'decided', side = ${bind(side)}, snoozed_until = NULL, ${stamp()}`,
    condition: `kind IN (${quoted(kinds)})`,
  };
}

/**
 * Whether a snooze has run out, and waking those that have: a snooze date (YYYY-MM-DD) sorts before
 * every ISO time of its day, so it is over from 00:00 UTC on that date. The adapters look first and
 * write only when one is due, so reading never waits for another process's write lock.
 */
export const SNOOZE_DUE = `SELECT 1 FROM proposals WHERE status = 'snoozed' AND snoozed_until <= `;
export const WAKE_SNOOZED = `UPDATE proposals SET status = 'open', snoozed_until = NULL
  WHERE status = 'snoozed' AND snoozed_until <= `;

/** The statuses `touch` moves lastSeen of: those still under review. */
export const UNDER_REVIEW = `status IN (${quoted(REVIEWABLE_STATUSES)})`;

/** The guard of `markApplied`: decided for the card. */
export const DECIDED_FOR_CARD = `status = 'decided' AND side IN (${quoted(CARD_SIDES)})`;
