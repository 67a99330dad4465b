// `factsync apply [--dry-run]`: writes accepted proposals back into the local store.

import path from 'node:path';
import type { Command } from 'commander';
import { applyAccepted } from '../sinks/apply/index.js';
import { writeErr, writeOut } from './output.js';
import { withStore } from './store-context.js';

/**
 * Text for the terminal: control characters other than tab and newline, the line separators and the
 * bidirectional controls shown as `\uXXXX`, so nothing a card or a remote value holds can move the
 * cursor, clear the screen or reorder what a reviewer reads.
 */
const UNPRINTABLE = /(?![\t\n])[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const printable = (text: string) =>
  text.replace(UNPRINTABLE, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description(
      'write accepted proposals back into the local store (cards or JSONL), then mark them applied',
    )
    .option('--dry-run', 'change nothing; show what would change')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      await withStore(command, async (store, config) => {
        const result = await applyAccepted({
          store,
          config,
          now: () => new Date().toISOString(),
          dryRun: options.dryRun === true,
        });
        for (const file of result.files) {
          const shown = path.relative(process.cwd(), file.file) || file.file;
          await writeOut(printable(`${result.dryRun ? 'would change' : 'changed'} ${shown}\n`));
          if (file.preview) await writeOut(printable(`${file.preview}\n`));
        }
        for (const skip of result.skipped)
          writeErr(
            printable(`skipped ${skip.id} (${skip.entity} · ${skip.field} · ${skip.kind}): ${skip.reason}\n`),
          );
        const { accepted, applied, skipped, files } = result.counts;
        writeErr(
          `${accepted} accepted proposals: ${applied} ${result.dryRun ? 'would be applied' : 'applied'}, ${skipped} skipped, ${files} files ${result.dryRun ? 'would change' : 'changed'}\n`,
        );
      });
    });
}
