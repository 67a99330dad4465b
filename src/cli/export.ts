// `factsync export --format jsonl|quickstatements|mismatch-finder|mismatch-finder-results`: proposals
// for other tools, on stdout or into a file; what could not be exported is listed on stderr with the
// reason. The Wikidata formats carry what reviewers decided for Wikidata (`wikidata`, `both`), and with
// --undecided the open findings too; the results file carries every decision, and with --undecided the
// open and snoozed ones as pending. JSONL carries every proposal the filter selects.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { WIKIDATA_SIDES } from '../model/decision.js';
import type { Proposal } from '../model/proposal.js';
import { EXPORT_FORMATS, type ExportFormat, exportProposals, isExportFormat } from '../sinks/export/index.js';
import type { ProposalFilter, ProposalStore } from '../sinks/store.js';
import { printableJson } from '../text/safe.js';
import { UsageError } from './errors.js';
import { warnLines, writeOut } from './output.js';
import { addFilterOptions, type FilterOptions, filterOf, withStore } from './store-context.js';

/**
 * The filters a format exports by default: for the Wikidata formats the decisions for Wikidata, for the
 * results file every decision; with `undecided`, the open (and, for results, snoozed) ones after them.
 * Given --status or --side, the user's filter alone (the exports still refuse other decisions).
 */
function defaultFilters(format: ExportFormat, given: ProposalFilter, undecided: boolean): ProposalFilter[] {
  if (format === 'jsonl' || given.status || given.side) return [given];
  const decided: ProposalFilter =
    format === 'mismatch-finder-results'
      ? { ...given, status: ['decided', 'applied'] }
      : { ...given, status: ['decided', 'applied'], side: WIKIDATA_SIDES };
  const pending: ProposalFilter = {
    ...given,
    status: format === 'mismatch-finder-results' ? ['open', 'snoozed'] : ['open'],
  };
  return undecided ? [decided, pending] : [decided];
}

async function* streamAll(store: ProposalStore, filters: readonly ProposalFilter[]): AsyncIterable<Proposal> {
  for (const filter of filters) yield* store.stream(filter);
}

export function registerExport(program: Command): void {
  addFilterOptions(program.command('export').description('hand proposals to other tools'))
    .requiredOption('--format <format>', EXPORT_FORMATS.join(', '))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--undecided', 'also the open findings (pending, for mismatch-finder-results)')
    .action(
      async (
        options: FilterOptions & { format: string; out?: string; undecided?: boolean },
        command: Command,
      ) => {
        if (!isExportFormat(options.format))
          throw new UsageError(`--format: expected one of ${EXPORT_FORMATS.join(', ')}`);
        const format = options.format;
        const filters = defaultFilters(format, filterOf(options), options.undecided === true);
        await withStore(command, async (store, config) => {
          const file = options.out ? createWriteStream(options.out) : undefined;
          // JSONL carries evidence URLs, which may hold the credentials of wikidata.url; the Wikidata
          // formats carry values exactly as they are to be uploaded.
          const out = async (piece: string) => {
            const text = format === 'jsonl' ? printableJson(piece) : piece;
            if (!file) return writeOut(text);
            if (!file.write(text)) await once(file, 'drain');
          };
          const report = await exportProposals(format, streamAll(store, filters), config.fields, out, {
            language: config.languages[0] ?? 'en',
          });
          if (file)
            await new Promise<void>((resolve, reject) =>
              file.end((error?: Error | null) => (error ? reject(error) : resolve())),
            );
          for (const skipped of report.skipped) warnLines(`skipped ${skipped.id}: ${skipped.reason}`);
          for (const partial of report.incomplete)
            warnLines(`partly exported ${partial.id}: ${partial.reason}`);
          if (report.exceedsUploadLimit)
            warnLines('warning: the file is over Mismatch Finder’s 10 MB upload limit; split it');
          warnLines(`${report.exported} proposals exported as ${format}, ${report.skipped.length} skipped`);
        });
      },
    );
}
