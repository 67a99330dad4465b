// Proposals in a form two installs can be compared by.

import { canonicalJson } from '../../src/model/proposal.js';
import type { ProposalStore } from '../../src/sinks/store.js';

/** Proposals as comparable lines (no timestamps, run ids or evidence URLs, which differ between installs). */
export async function proposalLines(store: ProposalStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const p of store.stream({})) {
    lines.push(
      [
        p.id,
        p.entity,
        p.qid,
        p.field,
        p.kind,
        p.status,
        canonicalJson(p.local),
        canonicalJson(p.remote),
      ].join(' | '),
    );
  }
  return lines.sort();
}

/** Proposals by entity: "entity → sorted ids". */
export async function proposalsByEntity(store: ProposalStore): Promise<Map<string, string[]>> {
  const byEntity = new Map<string, string[]>();
  for await (const p of store.stream({})) byEntity.set(p.entity, [...(byEntity.get(p.entity) ?? []), p.id]);
  for (const ids of byEntity.values()) ids.sort();
  return byEntity;
}
