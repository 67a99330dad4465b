// `factsync export --format jsonl`: one proposal a line, exactly as `factsync proposals --json` prints
// it (SPEC §4). The key order is fixed here, not left to whichever order a store adapter built the
// object in, so two exports of the same proposals are byte-identical and diff cleanly.

import type { Evidence, Proposal } from '../../model/proposal.js';

/** Where the text goes: a file, stdout, a test's buffer. Awaited, so a slow writer applies backpressure. */
export type ExportOutput = (text: string) => Promise<void>;

/**
 * A proposal as a plain object in SPEC §4 order: id, entity, qid, field, property, kind, local, remote,
 * evidence, status, firstSeen, lastSeen, then the optional keys when present (label, firstRun, lastRun,
 * supersededBy, side, snoozedUntil, note, reviewedAt). `local` and `remote` are `null` when absent, as in the store; an
 * absent `property` (labels, descriptions, the Wikipedia page) is left out rather than written as null.
 */
export function proposalJson(proposal: Proposal): Record<string, unknown> {
  const ordered: Record<string, unknown> = {
    id: proposal.id,
    entity: proposal.entity,
    qid: proposal.qid,
    field: proposal.field,
    property: proposal.property,
    kind: proposal.kind,
    local: proposal.local ?? null,
    remote: proposal.remote ?? null,
    evidence: evidenceJson(proposal.evidence),
    status: proposal.status,
    firstSeen: proposal.firstSeen,
    lastSeen: proposal.lastSeen,
    label: proposal.label,
    firstRun: proposal.firstRun,
    lastRun: proposal.lastRun,
    supersededBy: proposal.supersededBy,
    side: proposal.side,
    snoozedUntil: proposal.snoozedUntil,
    note: proposal.note,
    reviewedAt: proposal.reviewedAt,
  };
  for (const key of Object.keys(ordered)) if (ordered[key] === undefined) delete ordered[key];
  return ordered;
}

function evidenceJson(evidence: Evidence): Record<string, unknown> {
  return {
    source: evidence.source,
    url: evidence.url,
    ...(evidence.revision === undefined ? {} : { revision: evidence.revision }),
    retrievedAt: evidence.retrievedAt,
    ...(evidence.statementId === undefined ? {} : { statementId: evidence.statementId }),
  };
}

/** One line of JSONL, newline included. JSON.stringify escapes line breaks inside strings. */
export function jsonlLine(proposal: Proposal): string {
  return `${JSON.stringify(proposalJson(proposal))}\n`;
}

export interface JsonlReport {
  readonly exported: number;
}

/** Streams every proposal given; filtering by status or kind is the caller's (the store's) business. */
export async function writeJsonl(
  proposals: AsyncIterable<Proposal>,
  out: ExportOutput,
): Promise<JsonlReport> {
  let exported = 0;
  for await (const proposal of proposals) {
    await out(jsonlLine(proposal));
    exported += 1;
  }
  return { exported };
}
