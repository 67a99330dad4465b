// `factsync held RUN --release|--discard [--note T]`: what a person does with a run the circuit breaker
// held (src/model/breaker.ts). Release: its held proposals become open, to be reviewed as usual.
// Discard: they are decided `none` — a person's decision, like `reject`, so the same findings are not
// proposed again while both values stay the same, and revisable with `decide` like any decision. The
// run record notes what was done, so its report and page say so.

import type { Command } from 'commander';
import type { ProposalStore } from '../sinks/store.js';
import { UsageError } from './errors.js';
import { printLines } from './output.js';
import { withStore } from './store-context.js';

interface HeldOptions {
  release?: boolean;
  discard?: boolean;
  note?: string;
}

const PAGE = 500;

/** Decides the run's held proposals `none`, a page at a time; returns how many. */
async function discard(store: ProposalStore, runId: string, at: string, note: string): Promise<number> {
  let total = 0;
  for (;;) {
    const page = await store.list({ firstRun: runId, status: ['held'] }, { limit: PAGE });
    const ids = page.proposals.map((p) => p.id);
    if (ids.length === 0) return total;
    const decided = await store.review(ids, { side: 'none' }, at, note);
    // Nothing decided (another process moved them meanwhile): stop rather than loop.
    if (decided.length === 0) return total;
    total += decided.length;
  }
}

async function settleHeld(runId: string, options: HeldOptions, command: Command): Promise<void> {
  if (options.release === options.discard)
    throw new UsageError('held: give exactly one of --release or --discard');
  await withStore(command, async (store) => {
    const run = await store.getRun(runId);
    if (!run) throw new UsageError(`held: no run ${JSON.stringify(runId)} in the store`);
    if (!run.held)
      throw new UsageError(`held: run ${runId} was not held by the circuit breaker; nothing to do`);
    const at = new Date().toISOString();
    const moved = options.release
      ? (await store.holdRun(runId, 'release')).length
      : await discard(store, runId, at, options.note ?? `discarded with held run ${runId}`);
    const action = options.release ? 'released' : 'discarded';
    run.held.settled = { action, at, proposals: (run.held.settled?.proposals ?? 0) + moved };
    await store.saveRun(run);
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
