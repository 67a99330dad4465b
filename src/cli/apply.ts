// `factsync apply [--dry-run]`: writes accepted proposals back into the local store.

import path from 'node:path';
import type { Command } from 'commander';
import { applyAccepted } from '../sinks/apply/index.js';
import { printable } from '../text/safe.js';
import { printLines, warnLines, writeOut } from './output.js';
import { withStore } from './store-context.js';

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
          await printLines(
            `${result.dryRun ? 'would change' : 'changed'} ${path.relative(process.cwd(), file.file) || file.file}`,
          );
          // A diff: several lines by design, each still shown safe.
          if (file.preview) await writeOut(`${printable(file.preview, { keepLayout: true })}\n`);
        }
        for (const skip of result.skipped)
          warnLines(`skipped ${skip.id} (${skip.entity} · ${skip.field} · ${skip.kind}): ${skip.reason}`);
        const { accepted, applied, skipped, files } = result.counts;
        warnLines(
          `${accepted} accepted proposals: ${applied} ${result.dryRun ? 'would be applied' : 'applied'}, ${skipped} skipped, ${files} files ${result.dryRun ? 'would change' : 'changed'}`,
        );
      });
    });
}
