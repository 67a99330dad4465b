// `factsync export --format mismatch-finder-results`: factsync's decisions in the shape of the results
// file Wikidata's Mismatch Finder produces for an import, so a team that uploaded factsync's mismatches
// can compare, or hand over, what its own reviewers decided.
//
// Format (wmde/wikidata-mismatch-finder app/Services/ImportResults.php at commit
// 057c1ec5c12ec83aff1d839c555861db586e6e3d): a CSV of item_id, statement_guid, property_id,
// wikidata_value, meta_wikidata_value, external_value, external_url and review_status, one row per
// mismatch (the header comes from its config `imports.results.column_keys`, which the stored version
// of that file does not show: we name the columns as the fields it writes). review_status is one of
// (docs/UserGuide.md at commit 0bcb91cb6cba71128f398f347181bde3f4a1e42a, "Submit decisions"):
// `pending` (awaiting a review decision), `wikidata` (the mismatching information is on Wikidata),
// `missing` (missing on Wikidata, correct on the external source), `external` (the mismatching
// information is on the external source — here, the card), `both`, `none`. The rows themselves are the
// import file's (mismatch-finder.ts), for every decision rather than only Wikidata's.

import type { FieldSpec } from '../../model/fields.js';
import type { Proposal } from '../../model/proposal.js';
import { csvRecord } from './csv.js';
import type { ExportOutput } from './jsonl.js';
import {
  MISMATCH_FINDER_COLUMNS,
  type MismatchFinderOptions,
  type MismatchRow,
  toMismatchRows,
} from './mismatch-finder.js';
import type { SkippedProposal } from './values.js';

/** The import CSV's columns, its last (`type`) replaced by the review status. */
export const MISMATCH_FINDER_RESULT_COLUMNS: readonly string[] = [
  ...MISMATCH_FINDER_COLUMNS.filter((column) => column !== 'type'),
  'review_status',
];

export type ReviewStatus = 'pending' | 'wikidata' | 'missing' | 'external' | 'both' | 'none';

/**
 * A proposal's decision as Mismatch Finder's review status: undecided or snoozed is pending; Wikidata's
 * side is `missing` when Wikidata lacks the value (an upstream finding, a row without a statement) and
 * `wikidata` when its statement is wrong; the card's side is `external`.
 */
export function reviewStatusOf(proposal: Proposal): ReviewStatus {
  if (proposal.status !== 'decided' && proposal.status !== 'applied') return 'pending';
  switch (proposal.side) {
    case 'card':
      return 'external';
    case 'wikidata':
      return proposal.kind === 'upstream' ? 'missing' : 'wikidata';
    case 'both':
      return 'both';
    case 'none':
      return 'none';
    default:
      return 'pending';
  }
}

function resultRecord(row: MismatchRow, status: ReviewStatus): string {
  return csvRecord([
    row.item_id,
    row.statement_guid,
    row.property_id,
    row.wikidata_value,
    row.meta_wikidata_value,
    row.external_value,
    row.external_url,
    status,
  ]);
}

/** Streams the header, then a row per mismatch of every proposal given, with its review status. */
export async function writeMismatchFinderResults(
  proposals: AsyncIterable<Proposal>,
  fields: readonly FieldSpec[],
  out: ExportOutput,
  options: MismatchFinderOptions = {},
): Promise<{ exported: number; skipped: SkippedProposal[]; incomplete: SkippedProposal[] }> {
  await out(csvRecord(MISMATCH_FINDER_RESULT_COLUMNS));
  let exported = 0;
  const skipped: SkippedProposal[] = [];
  const incomplete: SkippedProposal[] = [];
  for await (const proposal of proposals) {
    const result = toMismatchRows(proposal, fields, { ...options, everyDecision: true });
    if ('skipped' in result) {
      skipped.push({ id: proposal.id, reason: result.skipped });
      continue;
    }
    const status = reviewStatusOf(proposal);
    await out(result.rows.map((row) => resultRecord(row, status)).join(''));
    exported += 1;
    for (const reason of result.omitted ?? []) incomplete.push({ id: proposal.id, reason });
  }
  return { exported, skipped, incomplete };
}
