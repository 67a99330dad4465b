// The proposals of one run, in entity order, as the reports group them.

import type { Proposal } from '../../model/proposal.js';
import type { ProposalStore } from '../store.js';

/** Every proposal found or seen in a run, grouped by entity. */
export async function runProposals(store: ProposalStore, runId: string): Promise<Proposal[]> {
  const proposals: Proposal[] = [];
  for await (const proposal of store.stream({ run: runId })) proposals.push(proposal);
  return proposals.sort((a, b) => (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
}
