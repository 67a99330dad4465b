// Proposals for the apply tests, put into a real store the way a run puts them: findings reconciled as
// one run, their evidence stamped with the hash of the record as the local store reads it now.

import { expect } from 'vitest';
import { openLocalSource } from '../../src/local/read/index.js';
import type { ItemId } from '../../src/model/ids.js';
import type { Evidence, Finding, ProposalValue } from '../../src/model/proposal.js';
import type { LocalRecord } from '../../src/model/record.js';
import { recordHash } from '../../src/model/record-hash.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import type { testConfig } from './config.js';

type Config = ReturnType<typeof testConfig>;

export function finding(
  entity: string,
  qid: ItemId,
  field: string,
  kind: Finding['kind'],
  local: ProposalValue | null,
  remote: ProposalValue | null,
  evidence: Partial<Evidence> = {},
): Finding {
  return {
    entity,
    qid,
    field,
    kind,
    local,
    remote,
    evidence: {
      source: 'wikidata',
      url: `https://www.wikidata.org/wiki/${qid}`,
      retrievedAt: '2025-10-01T03:00:00.000Z',
      ...evidence,
    },
  };
}

export const RUN_1 = { runId: 'run-1', time: '2025-10-01T03:00:00.000Z' };

/** Reconciles each entity's findings as one run and returns the proposal ids, in the findings' order. */
export async function propose(
  store: ProposalStore,
  findings: readonly Finding[],
  at: { runId: string; time: string } = RUN_1,
): Promise<string[]> {
  const ids: string[] = [];
  for (const entity of new Set(findings.map((f) => f.entity))) {
    const own = findings.filter((f) => f.entity === entity);
    const result = await store.reconcile(entity, own, at);
    expect(result.created).toHaveLength(own.length);
    ids.push(...result.created);
  }
  return ids;
}

export async function statuses(store: ProposalStore, ids: readonly string[]): Promise<string[]> {
  const byId = new Map((await store.get(ids)).map((p) => [p.id, p.status]));
  return ids.map((id) => byId.get(id) ?? 'absent');
}

export async function records(config: Config): Promise<Map<string, LocalRecord>> {
  const found = new Map<string, LocalRecord>();
  for await (const result of (await openLocalSource(config)).records())
    if (result.ok) found.set(result.record.key, result.record);
  return found;
}

/** Findings as a run stores them: each stamped with the hash of its record as the local store reads now. */
export async function stamped(config: Config, findings: readonly Finding[]): Promise<Finding[]> {
  const read = await records(config);
  return findings.map((f) => {
    const record = read.get(f.entity);
    return record ? { ...f, evidence: { ...f.evidence, recordHash: recordHash(record, config.fields) } } : f;
  });
}
