// `factsync export --format jsonl|quickstatements|mismatch-finder`: proposals for other tools, on
// stdout or into a file; what could not be exported is listed on stderr with the reason.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportProposals, isExportFormat } from '../sinks/export/index.js';
import { printableJson } from '../text/safe.js';
import { UsageError } from './errors.js';
import { warnLines, writeOut } from './output.js';
import { addFilterOptions, type FilterOptions, filterOf, withStore } from './store-context.js';

export function registerExport(program: Command): void {
  addFilterOptions(program.command('export').description('hand proposals to other tools'))
    .requiredOption('--format <format>', EXPORT_FORMATS.join(', '))
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: FilterOptions & { format: string; out?: string }, command: Command) => {
      if (!isExportFormat(options.format))
        throw new UsageError(`--format: expected one of ${EXPORT_FORMATS.join(', ')}`);
      const format = options.format;
      // The Wikidata formats only make sense for proposals still under review.
      const filter = filterOf({
        ...(format === 'jsonl' ? {} : { status: 'open,decided,applied' }),
        ...options,
      });
      await withStore(command, async (store, config) => {
        const file = options.out ? createWriteStream(options.out) : undefined;
        // JSONL carries evidence URLs, which may hold the credentials of wikidata.url; the Wikidata
        // formats carry values exactly as they are to be uploaded.
        const out = async (piece: string) => {
          const text = format === 'jsonl' ? printableJson(piece) : piece;
          if (!file) return writeOut(text);
          if (!file.write(text)) await once(file, 'drain');
        };
        const report = await exportProposals(format, store.stream(filter), config.fields, out, {
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
    });
}
