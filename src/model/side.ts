// The sides a reviewer can say are wrong: the card, Wikidata, both, or none (not a real difference).
// A vocabulary of its own, so a proposal (proposal.ts) can carry its side and the decision rules
// (decision.ts, which says what each side means and which kinds allow it) can be keyed by proposal
// kind, without the two importing each other.

export const SIDES = ['card', 'wikidata', 'both', 'none'] as const;
export type Side = (typeof SIDES)[number];
