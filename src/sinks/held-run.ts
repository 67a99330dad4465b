// What a person does with a run the circuit breaker held (src/model/breaker.ts), whoever asks (the CLI's
// `factsync held`, the run's page, the JSON API). Release: its held proposals become open, to be reviewed
// as usual. Discard: they are decided `none` — a person's decision, like `reject`, so the same findings
// are not proposed again while both values stay the same, and revisable like any decision. The run
// record notes what was done, so its report and page say so. Settling again is allowed (a run held
// again by hand, a discard after a release): it moves what is still held and adds to the count.

import type { RunRecord } from '../model/run.js';
import type { ProposalStore } from './store.js';

export type HeldAction = 'release' | 'discard';
export const HELD_ACTIONS: readonly HeldAction[] = ['release', 'discard'];

export type HeldRunErrorCode = 'NO_SUCH_RUN' | 'NOT_HELD';

/** A run that cannot be settled; callers branch on `code` (a usage error, a 404, a 409). */
export class HeldRunError extends Error {
  constructor(
    readonly code: HeldRunErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HeldRunError';
  }
}

export interface HeldSettlement {
  readonly action: 'released' | 'discarded';
  /** Proposals this call moved (released or decided `none`). */
  readonly proposals: number;
  /** The run record as saved, its `held.settled` set. */
  readonly run: RunRecord;
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

/** Releases or discards the held proposals of run `runId`; `note` is kept on each discarded one. */
export async function settleHeldRun(
  store: ProposalStore,
  runId: string,
  action: HeldAction,
  note?: string,
): Promise<HeldSettlement> {
  const run = await store.getRun(runId);
  if (!run) throw new HeldRunError('NO_SUCH_RUN', `no run ${JSON.stringify(runId)} in the store`);
  if (!run.held)
    throw new HeldRunError('NOT_HELD', `run ${runId} was not held by the circuit breaker; nothing to do`);
  const at = new Date().toISOString();
  const moved =
    action === 'release'
      ? (await store.holdRun(runId, 'release')).length
      : await discard(store, runId, at, note ?? `discarded with held run ${runId}`);
  const done = action === 'release' ? 'released' : 'discarded';
  run.held.settled = { action: done, at, proposals: (run.held.settled?.proposals ?? 0) + moved };
  await store.saveRun(run);
  return { action: done, proposals: moved, run };
}
