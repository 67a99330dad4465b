// The proposals of one run, in entity order, as the reports group them.

import type { Proposal } from '../../model/proposal.js';
import type { ProposalStore } from '../store.js';

/** Every proposal found or seen in a run, in entity order, read from the store a page at a time. */
export function runProposalStream(store: ProposalStore, runId: string): AsyncIterable<Proposal> {
  return store.stream({ run: runId }, { order: 'entity' });
}

/**
 * The same, all in one array: memory grows with the run (a night's run may hold millions). For
 * callers not yet reading the stream; writeReports takes `runProposalStream` directly.
 */
export async function runProposals(store: ProposalStore, runId: string): Promise<Proposal[]> {
  const proposals: Proposal[] = [];
  for await (const proposal of runProposalStream(store, runId)) proposals.push(proposal);
  return proposals;
}
