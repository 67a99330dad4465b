// One review, whoever asks (the CLI's decide/accept/reject, the review page, the JSON API): each
// proposal is checked against what its kind allows before anything is written, so every entry point
// refuses the same things with the same words, and the store writes only what passed (or, with
// `allOrNothing`, nothing at all when anything was refused: what the JSON API does).

import { type Decision, decisionRefusal } from '../model/decision.js';
import type { Proposal } from '../model/proposal.js';
import type { ProposalStore } from './store.js';

export interface ReviewOutcome {
  /** The proposals decided or snoozed, as the store now holds them. */
  readonly changed: readonly Proposal[];
  /** Proposals whose kind does not allow the side asked for, each with why. */
  readonly refused: readonly { readonly id: string; readonly reason: string }[];
  /** Ids unknown, or of proposals no longer under review (applied, superseded, resolved). */
  readonly missed: readonly string[];
}

export async function reviewProposals(
  store: ProposalStore,
  ids: readonly string[],
  decision: Decision,
  at: string,
  note?: string,
  options: { readonly allOrNothing?: boolean } = {},
): Promise<ReviewOutcome> {
  const unique = [...new Set(ids)];
  const refused = (await store.get(unique)).flatMap((proposal) => {
    const reason = decisionRefusal(proposal, decision);
    return reason ? [{ id: proposal.id, reason }] : [];
  });
  if (options.allOrNothing && refused.length > 0) return { changed: [], refused, missed: [] };
  const refusedIds = new Set(refused.map((r) => r.id));
  const wanted = unique.filter((id) => !refusedIds.has(id));
  const changed = wanted.length > 0 ? await store.review(wanted, decision, at, note) : [];
  const changedIds = new Set(changed.map((p) => p.id));
  return { changed, refused, missed: wanted.filter((id) => !changedIds.has(id)) };
}
