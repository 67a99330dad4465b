// A reviewer's decision says which side is wrong (issue 16, after Wikidata's Mismatch Finder, whose
// reviewers record `wikidata`, `external` — here: the card —, `both` or `none`). Pure.
//
// - `card`: the local record is wrong; `apply` writes Wikidata's value into it.
// - `wikidata`: Wikidata is wrong or lacks the value; the QuickStatements and Mismatch Finder exports
//   carry it.
// - `both`: both are wrong: `apply` and the exports carry it.
// - `none`: not a real difference. The proposal id is a fingerprint of entity, field, kind and remote
//   value, so the same finding is never asked again while Wikidata's value stays the same.
// - snoozed until a date: the proposal comes back as open on that date (UTC).
//
// Only the sides that make sense for a kind are offered (allowedSides); `accepted` and `rejected`, the
// words of earlier versions, stay as aliases: accepted is the kind's natural side, rejected is none.
// The sides themselves are side.ts (re-exported here).

import type { ProposalKind } from './proposal.js';
import { SIDES, type Side } from './side.js';

export { SIDES, type Side } from './side.js';

/** The sides `apply` writes into the local record, and the sides the Wikidata exports carry. */
export const CARD_SIDES = ['card', 'both'] as const satisfies readonly Side[];
export const WIKIDATA_SIDES = ['wikidata', 'both'] as const satisfies readonly Side[];

/** Whether `apply` writes this proposal: decided for the card. */
export function isDecidedForCard(proposal: { readonly status: string; readonly side?: Side }): boolean {
  return proposal.status === 'decided' && (CARD_SIDES as readonly string[]).includes(proposal.side ?? '');
}

/** Whether the Wikidata exports carry this decision: decided (or applied) for Wikidata. */
export function isDecidedForWikidata(proposal: { readonly status: string; readonly side?: Side }): boolean {
  return (
    (proposal.status === 'decided' || proposal.status === 'applied') &&
    (WIKIDATA_SIDES as readonly string[]).includes(proposal.side ?? '')
  );
}

const ALL: readonly Side[] = SIDES;

/**
 * What each kind may be decided as. The card side is offered wherever the card can be put right (by
 * `apply`, or by hand where apply says so); the Wikidata side wherever Wikidata holds (or should hold)
 * a statement that can be wrong; `none` always.
 */
const ALLOWED: Readonly<Record<ProposalKind, readonly Side[]>> = {
  add: ALL,
  update: ALL,
  ended: ALL,
  // Several best-rank values or "no value": the ambiguity is Wikidata's; the card may be wrong too.
  conflict: ALL,
  // The card has a value Wikidata lacks: only Wikidata can take it.
  upstream: ['wikidata', 'none'],
  // The card contradicts itself: only the card can be fixed.
  'local-conflict': ['card', 'none'],
  // The card's QID was merged, or its title moved: the card follows.
  redirect: ['card', 'none'],
  moved: ['card', 'none'],
  // The item or page does not exist: the card's link is wrong, or Wikidata lost something.
  missing: ['card', 'wikidata', 'none'],
  // The title leads to another item's page: the card's link or Wikidata's sitelink is wrong.
  mismatch: ['card', 'wikidata', 'none'],
};

/** What `accept` means for each kind: the side its finding most often points at. */
const NATURAL: Readonly<Record<ProposalKind, Side>> = {
  add: 'card',
  update: 'card',
  ended: 'card',
  conflict: 'wikidata',
  upstream: 'wikidata',
  'local-conflict': 'card',
  redirect: 'card',
  moved: 'card',
  missing: 'card',
  mismatch: 'card',
};

/** The sides a proposal of this kind may be decided as (a kind this code does not know: none only). */
export function allowedSides(kind: string): readonly Side[] {
  return ALLOWED[kind as ProposalKind] ?? ['none'];
}

/** The side `accept` stands for. */
export function naturalSide(kind: string): Side {
  return NATURAL[kind as ProposalKind] ?? 'none';
}

export function isSide(value: unknown): value is Side {
  return typeof value === 'string' && (SIDES as readonly string[]).includes(value);
}

/**
 * A review: a side (`natural` for the kind's natural side, what `accept` means) or a snooze until a
 * date (YYYY-MM-DD, UTC).
 */
export type Decision = { readonly side: Side | 'natural' } | { readonly until: string };

/** The words every entry point understands: the sides, and the aliases of earlier versions. */
const WORDS: Readonly<Record<string, Side | 'natural'>> = {
  card: 'card',
  wikidata: 'wikidata',
  both: 'both',
  none: 'none',
  accept: 'natural',
  accepted: 'natural',
  reject: 'none',
  rejected: 'none',
};

/** A decision word (a side, or accept(ed)/reject(ed)) as a decision; undefined when it is not one. */
export function sideOf(word: string): Side | 'natural' | undefined {
  return Object.hasOwn(WORDS, word) ? WORDS[word] : undefined;
}

/** The side a proposal of this kind gets from a decision's side. */
export function resolveSide(kind: string, side: Side | 'natural'): Side {
  return side === 'natural' ? naturalSide(kind) : side;
}

/**
 * Why a proposal may not be decided so, in words naming the proposal, its kind and what is allowed;
 * undefined when it may. A snooze suits every kind.
 */
export function decisionRefusal(
  proposal: { readonly id: string; readonly kind: string },
  decision: Decision,
): string | undefined {
  if (!('side' in decision)) return undefined;
  const side = resolveSide(proposal.kind, decision.side);
  const allowed = allowedSides(proposal.kind);
  if (allowed.includes(side)) return undefined;
  return `${proposal.id}: a ${proposal.kind} proposal cannot be decided "${side}"; allowed: ${allowed.join(', ')}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A snooze date as given (YYYY-MM-DD, a real calendar day), or a message saying what is wrong. */
export function parseUntil(text: string): { ok: true; until: string } | { ok: false; reason: string } {
  const match = DATE.exec(text);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    !match ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return { ok: false, reason: `expected a date as YYYY-MM-DD, got "${text}"` };
  return { ok: true, until: text };
}

/** A proposal's status as people read it: the side beside a decision, the date beside a snooze. */
export function statusLabel(proposal: {
  readonly status: string;
  readonly side?: Side;
  readonly snoozedUntil?: string;
}): string {
  if (proposal.status === 'snoozed' && proposal.snoozedUntil) return `snoozed until ${proposal.snoozedUntil}`;
  if ((proposal.status === 'decided' || proposal.status === 'applied') && proposal.side)
    return `${proposal.status}: ${proposal.side}`;
  return proposal.status;
}
