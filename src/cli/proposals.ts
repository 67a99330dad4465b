// `factsync proposals`: list proposals (reviewing them is decide.ts).

import type { Command } from 'commander';
import { statusLabel } from '../model/decision.js';
import type { Proposal } from '../model/proposal.js';
import { proposalJson } from '../sinks/export/index.js';
import { displayValue } from '../sinks/report/format.js';
import { jsonOutput } from './context.js';
import { UsageError } from './errors.js';
import { printJson, printLines, warnLines } from './output.js';
import { addFilterOptions, type FilterOptions, filterOf, withStore } from './store-context.js';

/** One proposal on one line (printLines makes it safe: a value's line break shows as `\n`). */
export function proposalLine(p: Proposal): string {
  const change = `${displayValue(p.local)} → ${displayValue(p.remote)}`;
  return `${p.id}  ${statusLabel(p).padEnd(15)} ${p.kind.padEnd(14)} ${p.entity} · ${p.field}: ${change}`;
}

export function registerProposals(program: Command): void {
  addFilterOptions(
    program
      .command('proposals')
      .description(
        'list proposals, newest first (--json: one JSON object a line, as the spec prints a proposal; every match, streamed)',
      ),
  )
    .option('--limit <n>', 'at most this many (without --json)', '100')
    .action(async (options: FilterOptions & { limit: string }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit: expected a positive whole number');
      const filter = filterOf(options);
      await withStore(command, async (store) => {
        if (jsonOutput(command)) {
          for await (const proposal of store.stream(filter)) await printJson(proposalJson(proposal));
          return;
        }
        const [page, total] = await Promise.all([store.list(filter, { limit }), store.count(filter)]);
        for (const proposal of page.proposals) await printLines(proposalLine(proposal));
        warnLines(
          `${page.proposals.length} of ${total} proposals${total > page.proposals.length ? ' (use --limit or --json for more)' : ''}`,
        );
      });
    });
}
