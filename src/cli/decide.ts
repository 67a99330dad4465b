// `factsync decide ID… --side card|wikidata|both|none [--note T]` or `decide ID… --until DATE`, and its
// aliases `accept` (each proposal's natural side) and `reject` (none): a review from the terminal.
// What a proposal's kind does not allow, or an id that is unknown or no longer under review, is named
// on stderr and makes the exit code 1; the others are decided.

import type { Command } from 'commander';
import { type Decision, isSide, parseUntil, SIDES } from '../model/decision.js';
import { reviewProposals } from '../sinks/review.js';
import { UsageError } from './errors.js';
import { printLines, warnLines } from './output.js';
import { proposalLine } from './proposals.js';
import { withStore } from './store-context.js';

interface DecideOptions {
  side?: string;
  until?: string;
  note?: string;
}

/** The decision the options ask for: a side, or a snooze (`--until` alone). */
export function decisionOf(options: DecideOptions): Decision {
  if (options.side !== undefined && options.until !== undefined)
    throw new UsageError('decide: --until snoozes the proposals; give it without --side');
  if (options.until !== undefined) {
    const until = parseUntil(options.until);
    if (!until.ok) throw new UsageError(`--until: ${until.reason}`);
    return { until: until.until };
  }
  if (options.side === undefined)
    throw new UsageError(`decide: give --side ${SIDES.join('|')}, or --until DATE to snooze`);
  if (!isSide(options.side))
    throw new UsageError(`--side: "${options.side}" is not one of ${SIDES.join(', ')}`);
  return { side: options.side };
}

async function review(ids: string[], decision: Decision, note: string | undefined, command: Command) {
  await withStore(command, async (store) => {
    const outcome = await reviewProposals(store, ids, decision, new Date().toISOString(), note);
    for (const proposal of outcome.changed) await printLines(proposalLine(proposal));
    for (const { reason } of outcome.refused) warnLines(`refused ${reason}`);
    if (outcome.missed.length > 0)
      warnLines(
        `not decided (unknown, or already applied, superseded or resolved): ${outcome.missed.join(', ')}`,
      );
    if (outcome.refused.length > 0 || outcome.missed.length > 0) process.exitCode = 1;
  });
}

export function registerDecide(program: Command): void {
  program
    .command('decide <ids...>')
    .description(
      'decide which side is wrong: card (apply writes Wikidata’s value), wikidata (the exports carry it), both, none (not a real difference; not asked again while Wikidata’s value stays the same); or snooze with --until',
    )
    .option('--side <side>', SIDES.join('|'))
    .option('--until <date>', 'snooze until this day (YYYY-MM-DD, UTC): open again from then')
    .option('--note <text>', 'why, for the next reviewer')
    .action(async (ids: string[], options: DecideOptions, command: Command) =>
      review(ids, decisionOf(options), options.note, command),
    );
  program
    .command('accept <ids...>')
    .description(
      'decide each proposal as its kind’s natural side: card, or wikidata for upstream and conflict',
    )
    .option('--note <text>', 'why, for the next reviewer')
    .action(async (ids: string[], options: { note?: string }, command: Command) =>
      review(ids, { side: 'natural' }, options.note, command),
    );
  program
    .command('reject <ids...>')
    .description('decide none: not a real difference; not asked again while Wikidata’s value stays the same')
    .option('--note <text>', 'why, for the next reviewer')
    .action(async (ids: string[], options: { note?: string }, command: Command) =>
      review(ids, { side: 'none' }, options.note, command),
    );
}
