// A database as the previous version left it (schema version 2), for the migration tests of both
// adapters: each writes these rows with its own driver, opens the store on it and runs
// `expectMigrated`. The rows include the decisions that version's reconcile lost: accepted proposals
// it resolved or superseded (and reopened as open when the finding came back).

import { expect } from 'vitest';
import { fingerprint } from '../../src/model/proposal.js';
import { MIGRATIONS } from '../../src/sinks/migrations/index.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import { announcedFinding, soraFinding, time } from './store-findings.js';

/** The migrations the previous version had applied. */
export const LEGACY_MIGRATIONS = MIGRATIONS.filter((migration) => migration.version <= 2);

const finding = (entity: string, remote: string) =>
  soraFinding(entity, { remote: { id: 'Q136505399', label: remote } });

/** What the previous version's reconcile and review wrote, by what happened to each proposal. */
const HISTORY = {
  acceptedThenResolved: { status: 'resolved', reviewed: true },
  acceptedResolvedReopened: { status: 'open', reviewed: true },
  acceptedThenSuperseded: { status: 'superseded', reviewed: true, supersededBy: 'open' },
  resolved: { status: 'resolved', reviewed: false },
  superseded: { status: 'superseded', reviewed: false, supersededBy: 'open' },
  open: { status: 'open', reviewed: false },
  rejected: { status: 'rejected', reviewed: true },
  applied: { status: 'applied', reviewed: true },
  acceptedUpstream: { status: 'accepted', reviewed: true },
  acceptedUpdate: { status: 'accepted', reviewed: true },
} as const;
type Case = keyof typeof HISTORY;

const findingOf = (entity: string, name: Case) => {
  if (name === 'open') return announcedFinding(entity);
  if (name === 'acceptedUpstream')
    return soraFinding(entity, { kind: 'upstream', local: { label: 'Sora 2' }, remote: null });
  if (name === 'acceptedUpdate') return announcedFinding(entity, { remote: '2024-02-16' });
  return finding(entity, `Sora ${name}`);
};

/** The rows, as column → value, in schema 2's columns. */
export function legacyRows(entity: string): Record<string, unknown>[] {
  return (Object.keys(HISTORY) as Case[]).map((name) => {
    const history: { status: string; reviewed: boolean; supersededBy?: Case } = HISTORY[name];
    const f = findingOf(entity, name);
    return {
      id: fingerprint(f),
      entity,
      label: f.label ?? null,
      qid: f.qid,
      field: f.field,
      property: f.property ?? null,
      kind: f.kind,
      local: JSON.stringify(f.local),
      remote: JSON.stringify(f.remote),
      evidence: JSON.stringify(f.evidence),
      status: history.status,
      first_seen: time(1),
      last_seen: time(2),
      first_run: 'old-1',
      last_run: 'old-2',
      superseded_by: history.supersededBy ? fingerprint(findingOf(entity, history.supersededBy)) : null,
      note: history.reviewed ? `${name}: checked` : null,
      reviewed_at: history.reviewed ? time(3) : null,
      applied_at: name === 'applied' ? time(4) : null,
      search: `${entity}\nsora\n${f.qid}`.toLowerCase(),
    };
  });
}

/**
 * After migrating: every proposal is there, the lost decisions are decided again (with their notes),
 * accepted ones as the kind's natural side (the card; Wikidata for an upstream finding), rejected ones
 * as none, applied ones keep side card; the rest is as it was, and reconcile works on the new columns
 * (a retried call reports the same).
 */
export async function expectMigrated(store: ProposalStore, entity: string): Promise<void> {
  const idOf = (name: Case) => fingerprint(findingOf(entity, name));
  const statuses = Object.fromEntries(
    (await store.get((Object.keys(HISTORY) as Case[]).map(idOf))).map((p) => [
      Object.keys(HISTORY).find((name) => idOf(name as Case) === p.id),
      [p.status, p.side ?? null, p.supersededBy ?? null, p.note ?? null],
    ]),
  );
  expect(statuses).toEqual({
    acceptedThenResolved: ['decided', 'card', null, 'acceptedThenResolved: checked'],
    acceptedResolvedReopened: ['decided', 'card', null, 'acceptedResolvedReopened: checked'],
    acceptedThenSuperseded: ['decided', 'card', null, 'acceptedThenSuperseded: checked'],
    resolved: ['resolved', null, null, null],
    superseded: ['superseded', null, idOf('open'), null],
    open: ['open', null, null, null],
    rejected: ['decided', 'none', null, 'rejected: checked'],
    applied: ['applied', 'card', null, 'applied: checked'],
    acceptedUpstream: ['decided', 'wikidata', null, 'acceptedUpstream: checked'],
    acceptedUpdate: ['decided', 'card', null, 'acceptedUpdate: checked'],
  });
  expect((await store.get([idOf('rejected')]))[0]?.reviewedAt).toBe(time(3));

  const at = { runId: 'new-1', time: time(10) };
  const first = await store.reconcile(entity, [finding(entity, 'Sora acceptedThenResolved')], at);
  expect(first).toEqual({
    created: [],
    seen: [idOf('acceptedThenResolved')],
    superseded: [],
    resolved: [idOf('open')],
  });
  expect(await store.reconcile(entity, [finding(entity, 'Sora acceptedThenResolved')], at)).toEqual(first);
}
