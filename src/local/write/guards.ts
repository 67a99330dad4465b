// Before apply writes a proposal, both sides must still be where the review found them (SPEC §4).
//
// - The local record: each proposal keeps the hash of the record it was found against
//   (Evidence.recordHash, the sync state's own hash: what the diff reads, and the fields config). A
//   record that reads differently now was edited since: apply does not write over the edit; the next
//   run compares it again.
// - The remote side: apply never fetches. What the store knows is each run's look at the entity: a run
//   that compares it moves `lastSeen` of every difference it finds again (and of all of them when
//   nothing changed), with the revision it read in their evidence. So a proposal of the entity seen
//   later than this one means a later run read the entity and no longer found this difference: Wikidata
//   (or Wikipedia) moved, and the value is left for the next run to re-check, not written. An entity
//   with no other proposal leaves no such trace (a vandal's value reverted the next night, say), so the
//   sync state, when apply can read it, is asked too: the revisions the last comparison read. A
//   difference that comparison found again carries them in its evidence; one it did not, older ones.
// What either refuses is skipped with its reason and a stable code; the decision stays for later.

import type { FieldSpec } from '../../model/fields.js';
import type { Evidence, Proposal } from '../../model/proposal.js';
import type { LocalRecord } from '../../model/record.js';
import { recordHash } from '../../model/record-hash.js';
import type { ProposalStore } from '../../sinks/store.js';
import type { Guard } from './rules.js';

/** Stable codes of the refusals, for callers that branch on them (never on the reason's text). */
export const REFUSED = {
  /** The record reads differently than when the difference was found. */
  localChanged: 'LOCAL_CHANGED',
  /** The proposal predates Evidence.recordHash: whether the record changed cannot be told. */
  noRecordHash: 'NO_RECORD_HASH',
  /** A later run read the entity and did not find this difference again. */
  remoteMoved: 'REMOTE_MOVED',
} as const;

/** The latest run's look at an entity, as its proposals record it. */
export interface Sighting {
  readonly lastSeen: string;
  readonly lastRun?: string;
  /** The revisions that run read, by source. */
  readonly revisions: Readonly<Partial<Record<Evidence['source'], number>>>;
}

/**
 * The evidence a decision was made on. Today the proposal's stored evidence: the latest run that found
 * the difference again refreshed it. Kept in one place so a decision that keeps its own copy of the
 * evidence (issue 16, point 1) changes only this.
 */
export const decidedOn = (proposal: Proposal): Evidence => proposal.evidence;

/** What the sync state (src/jobs/state.ts) says the last comparison of an entity read. */
export interface LastCompared {
  readonly itemRev?: number;
  readonly pageRev?: number;
  /** When it was compared. */
  readonly checkedAt: string;
}

const SIGHTINGS_PAGE = 100;

/** The latest look at each entity: its proposals seen last, with the revisions read then. */
export async function latestSightings(
  store: ProposalStore,
  entities: Iterable<string>,
): Promise<Map<string, Sighting>> {
  const found = new Map<string, Sighting>();
  for (const entity of new Set(entities)) {
    // Newest first: the first page holds the latest run's proposals unless it found more than a page.
    const page = await store.list({ entity }, { limit: SIGHTINGS_PAGE });
    const own = page.proposals.filter((p) => p.entity === entity);
    const newest = own[0];
    if (!newest) continue;
    const revisions: Partial<Record<Evidence['source'], number>> = {};
    for (const { lastSeen, evidence } of own) {
      if (lastSeen !== newest.lastSeen || evidence.revision === undefined) continue;
      revisions[evidence.source] = Math.max(revisions[evidence.source] ?? 0, evidence.revision);
    }
    found.set(entity, {
      lastSeen: newest.lastSeen,
      ...(newest.lastRun === undefined ? {} : { lastRun: newest.lastRun }),
      revisions,
    });
  }
  return found;
}

const SOURCE_NAMES: Readonly<Record<Evidence['source'], string>> = {
  wikidata: "Wikidata's item",
  wikipedia: 'the Wikipedia page',
  local: 'the local record',
};

const runName = (run: string | undefined) => (run === undefined ? 'the run' : `run ${run}`);

/** Why the remote side moved since `proposal` was last found, or undefined when no later run read it. */
function remoteMoved(proposal: Proposal, latest: Sighting | undefined): string | undefined {
  if (!latest || latest.lastSeen <= proposal.lastSeen) return undefined;
  const { source, revision } = decidedOn(proposal);
  const now = latest.revisions[source];
  const what =
    revision !== undefined && now !== undefined && now !== revision
      ? `${SOURCE_NAMES[source]} moved from revision ${revision} (what was reviewed) to ${now} (read by ${runName(latest.lastRun)}), and this difference was not found there`
      : `${runName(latest.lastRun)} read ${proposal.entity} again and no longer found this difference`;
  return `${what}: not written; the next run re-checks it (\`factsync refresh ${proposal.entity}\` does now), then review what it finds`;
}

/** Why the last comparison of the entity read another revision than this difference was found at. */
function comparedSince(proposal: Proposal, compared: LastCompared | undefined): string | undefined {
  const { source, revision } = decidedOn(proposal);
  const now =
    source === 'wikidata' ? compared?.itemRev : source === 'wikipedia' ? compared?.pageRev : undefined;
  if (revision === undefined || now === undefined || now === revision) return undefined;
  return `${SOURCE_NAMES[source]} was at revision ${now} when factsync last compared it (${compared?.checkedAt}), and this difference was found at revision ${revision}: not written; the next run re-checks it (\`factsync refresh ${proposal.entity}\` does now), then review what it finds`;
}

/**
 * The guard apply passes to the card and JSONL writers. `store` names the record in reasons ("card",
 * "JSONL record"); `compared` is the sync state of the entities, when it could be read.
 */
export function movedGuard(
  sightings: ReadonlyMap<string, Sighting>,
  fields: readonly FieldSpec[],
  store: string,
  compared: ReadonlyMap<string, LastCompared> = new Map(),
): Guard {
  return (proposal: Proposal, record: LocalRecord) => {
    const { id, entity } = proposal;
    const then = decidedOn(proposal).recordHash;
    if (then === undefined)
      return {
        id,
        code: REFUSED.noRecordHash,
        reason: `it was found before factsync kept which version of the ${store} it compared, so whether the ${store} changed since cannot be told: not written; \`factsync sync ${entity} --full\` compares it again and keeps it`,
      };
    if (then !== recordHash(record, fields))
      return {
        id,
        code: REFUSED.localChanged,
        reason: `the ${store} changed since ${runName(proposal.lastRun)} compared it: not written over the edit; the next run (or \`factsync refresh ${entity}\`) compares the edited ${store} again`,
      };
    const moved =
      remoteMoved(proposal, sightings.get(entity)) ?? comparedSince(proposal, compared.get(entity));
    return moved === undefined ? undefined : { id, code: REFUSED.remoteMoved, reason: moved };
  };
}
