// `factsync export --format F`: hands proposals to other tools. One entry point for the CLI, so the
// command stays thin: it streams proposals from the store, passes an `out` that writes to the file or
// stdout, and prints the report (how many exported, which were skipped and why).
//
//   jsonl            every proposal given, as `factsync proposals --json` prints it
//   quickstatements  `upstream` proposals as QuickStatements V1 commands (Wikidata edits)
//   mismatch-finder  `update` and `upstream` statement proposals as a Mismatch Finder import CSV

import type { FieldSpec } from '../../model/fields.js';
import type { Proposal } from '../../model/proposal.js';
import { type ExportOutput, writeJsonl } from './jsonl.js';
import { type MismatchFinderOptions, writeMismatchFinder } from './mismatch-finder.js';
import { writeMismatchFinderResults } from './mismatch-finder-results.js';
import { type QuickStatementsOptions, writeQuickStatements } from './quickstatements.js';
import type { SkippedProposal } from './values.js';

export type { ExportOutput } from './jsonl.js';
export { jsonlLine, proposalJson, writeJsonl } from './jsonl.js';
export {
  MISMATCH_FINDER_COLUMNS,
  MISMATCH_FINDER_MAX_UPLOAD_BYTES,
  type MismatchFinderOptions,
  type MismatchRow,
  toMismatchRows,
  writeMismatchFinder,
} from './mismatch-finder.js';
export {
  MISMATCH_FINDER_RESULT_COLUMNS,
  reviewStatusOf,
  writeMismatchFinderResults,
} from './mismatch-finder-results.js';
export {
  type QuickStatementsOptions,
  type QuickStatementsReference,
  toQuickStatements,
  writeQuickStatements,
} from './quickstatements.js';
export type { SkippedProposal } from './values.js';

export const EXPORT_FORMATS = [
  'jsonl',
  'quickstatements',
  'mismatch-finder',
  'mismatch-finder-results',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** What the file extension of an export should be. */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'jsonl',
  quickstatements: 'tsv',
  'mismatch-finder': 'csv',
  'mismatch-finder-results': 'csv',
};

export interface ExportReport {
  readonly format: ExportFormat;
  /** Proposals written (jsonl: all given; the others: those that gave at least one command or row). */
  readonly exported: number;
  readonly skipped: readonly SkippedProposal[];
  /** Proposals written without some of their values, and why. */
  readonly incomplete: readonly SkippedProposal[];
  /** Mismatch Finder only: the file is over its 10 MB upload limit. */
  readonly exceedsUploadLimit?: boolean;
}

export interface ExportOptions extends QuickStatementsOptions, MismatchFinderOptions {}

export async function exportProposals(
  format: ExportFormat,
  proposals: AsyncIterable<Proposal>,
  fields: readonly FieldSpec[],
  out: ExportOutput,
  options: ExportOptions = {},
): Promise<ExportReport> {
  switch (format) {
    case 'jsonl': {
      const { exported } = await writeJsonl(proposals, out);
      return { format, exported, skipped: [], incomplete: [] };
    }
    case 'quickstatements': {
      const { exported, skipped, incomplete } = await writeQuickStatements(proposals, fields, out, options);
      return { format, exported, skipped, incomplete };
    }
    case 'mismatch-finder': {
      const report = await writeMismatchFinder(proposals, fields, out, options);
      const { exported, skipped, incomplete, exceedsUploadLimit } = report;
      return { format, exported, skipped, incomplete, exceedsUploadLimit };
    }
    case 'mismatch-finder-results': {
      const { exported, skipped, incomplete } = await writeMismatchFinderResults(
        proposals,
        fields,
        out,
        options,
      );
      return { format, exported, skipped, incomplete };
    }
  }
}
