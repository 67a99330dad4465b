// `factsync held RUN --release|--discard [--note T]`: what a person does with a run the circuit breaker
// held. The work is settleHeldRun's (src/sinks/held-run.ts, which the run's page calls too); this
// command checks its options and says what was done.

import type { Command } from 'commander';
import { HeldRunError, settleHeldRun } from '../sinks/held-run.js';
import { UsageError } from './errors.js';
import { printLines } from './output.js';
import { withStore } from './store-context.js';

interface HeldOptions {
  release?: boolean;
  discard?: boolean;
  note?: string;
}

async function settleHeld(runId: string, options: HeldOptions, command: Command): Promise<void> {
  if (options.release === options.discard)
    throw new UsageError('held: give exactly one of --release or --discard');
  await withStore(command, async (store) => {
    const settled = await settleHeldRun(
      store,
      runId,
      options.release ? 'release' : 'discard',
      options.note,
    ).catch((error: unknown) => {
      throw error instanceof HeldRunError ? new UsageError(`held: ${error.message}`) : error;
    });
    const moved = settled.proposals;
    await printLines(
      options.release
        ? `run ${runId}: ${moved} held proposals released; they are open for review (factsync proposals --run ${runId})`
        : `run ${runId}: ${moved} held proposals discarded (decided "none"; factsync decide changes that)`,
    );
  });
}

export function registerHeld(program: Command): void {
  program
    .command('held <run>')
    .description(
      'release (open for review) or discard (decide none) the new proposals of a run the circuit breaker held',
    )
    .option('--release', 'the held proposals become open')
    .option('--discard', 'the held proposals are decided none: not proposed again while both values stay')
    .option('--note <text>', 'with --discard: why, kept on each proposal')
    .action(async (runId: string, options: HeldOptions, command: Command) =>
      settleHeld(runId, options, command),
    );
}
