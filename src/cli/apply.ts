// `factsync apply [--dry-run]`: writes the proposals decided for the card back into the local store. Lists what it
// changed, what needs a person (a line that says more about the value than the value), what it refused
// (the card or the item moved since the proposal was found) and what it skipped, each with why.

import path from 'node:path';
import type { Command } from 'commander';
import { readSyncState } from '../jobs/state-read.js';
import { type ApplyNeedsPerson, applyAccepted, type LastCompared } from '../local/write/index.js';
import type { SyncStateStore } from '../sinks/store.js';
import { printable } from '../text/safe.js';
import { printLines, warnLines, writeOut } from './output.js';
import { withStore } from './store-context.js';

const shown = (file: string) => path.relative(process.cwd(), file) || file;

/** One line per line of the card that stops the proposal: where it is, what it says, and what is more. */
function personLines(needs: ApplyNeedsPerson): string[] {
  return needs.lines.map(
    ({ line, text, extra }) =>
      `needs a person: ${needs.id} (${needs.entity} · ${needs.field} · ${needs.kind}): ${shown(needs.file)}:${line} "${text.trim()}" says more than the value (${extra.where} it: "${extra.text}"); edit that line by hand — nothing was written, the decision stays`,
  );
}

/** The sync state apply checks proposals against: the proposal store keeps it (Redis need not run). */
function lastCompared(store: SyncStateStore) {
  return (entities: readonly string[]): Promise<ReadonlyMap<string, LastCompared>> =>
    readSyncState(store, entities);
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description(
      'write the proposals decided for the card (side card or both) back into the local store (cards or JSONL), then mark them applied',
    )
    .option('--dry-run', 'change nothing; show what would change')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      await withStore(command, async (store, config) => {
        const result = await applyAccepted({
          store,
          config,
          now: () => new Date().toISOString(),
          dryRun: options.dryRun === true,
          lastCompared: lastCompared(store),
        });
        for (const file of result.files) {
          await printLines(`${result.dryRun ? 'would change' : 'changed'} ${shown(file.file)}`);
          // A diff: several lines by design, each still shown safe.
          if (file.preview) await writeOut(`${printable(file.preview, { keepLayout: true })}\n`);
        }
        for (const needs of result.needsPerson) await printLines(...personLines(needs));
        for (const skip of result.skipped)
          warnLines(
            `${skip.code ? 'refused' : 'skipped'} ${skip.id} (${skip.entity} · ${skip.field} · ${skip.kind}): ${skip.reason}`,
          );
        const { accepted, applied, skipped, needsPerson, files } = result.counts;
        const refused = result.skipped.filter((skip) => skip.code).length;
        warnLines(
          `${accepted} proposals decided for the card: ${applied} ${result.dryRun ? 'would be applied' : 'applied'}, ${needsPerson} need a person, ${refused} refused, ${skipped - refused} skipped, ${files} files ${result.dryRun ? 'would change' : 'changed'}`,
        );
      });
    });
}
