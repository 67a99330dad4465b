// The findings and helpers the store tests share: real-shaped findings of one entity (sora), the
// times they are stamped with, unique tags for entity keys and run ids, and a page-by-page lister.

import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Finding, Proposal } from '../../src/model/proposal.js';
import type { ProposalFilter, ProposalStore } from '../../src/sinks/store.js';

export const QID = 'Q124544998';

/** A real-shaped finding: sora lacks its successor, which Wikidata states (P156, Sora 2). */
export function soraFinding(entity: string, overrides: Partial<Finding> = {}): Finding {
  return {
    entity,
    label: 'Sora',
    qid: QID,
    field: 'followedBy',
    property: 'P156',
    kind: 'add',
    local: null,
    remote: { id: 'Q136505399', label: 'Sora 2' },
    evidence: {
      source: 'wikidata',
      url: `https://www.wikidata.org/wiki/${QID}#P156`,
      revision: 2212345678,
      retrievedAt: '2025-10-01T03:00:00.000Z',
      statementId: `${QID}$6F1D2C3B-0A9E-4B7C-8D5E-1F2A3B4C5D6E`,
    },
    ...overrides,
  };
}

/** sora's announcement date: the card says 2024-02, Wikidata's inception (P571) 2024-02-15. */
export function announcedFinding(entity: string, overrides: Partial<Finding> = {}): Finding {
  return soraFinding(entity, {
    field: 'announced',
    property: 'P571',
    kind: 'update',
    local: '2024-02',
    remote: '2024-02-15',
    evidence: { source: 'wikidata', url: `https://www.wikidata.org/wiki/${QID}#P571`, retrievedAt: time(0) },
    ...overrides,
  });
}

export function time(seconds: number): string {
  return new Date(Date.UTC(2025, 9, 1, 3) + seconds * 1000).toISOString();
}

export const tag = (): string => randomUUID().slice(0, 8);

export async function listAll(
  store: ProposalStore,
  filter: ProposalFilter,
  limit = 100,
): Promise<Proposal[]> {
  const all: Proposal[] = [];
  let after: string | undefined;
  do {
    const page = await store.list(filter, { limit, ...(after ? { after } : {}) });
    expect(page.proposals.length).toBeLessThanOrEqual(limit);
    all.push(...page.proposals);
    after = page.next;
  } while (after);
  return all;
}
