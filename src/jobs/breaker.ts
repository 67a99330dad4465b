// The circuit breaker at the end of a run (src/model/breaker.ts has the rule): the run's new proposals
// counted by field in the store, and, when they are abnormal, held there with the why on the run record.
// Only proposals this run created and nobody decided are held: a run never changes a decision.

import { type BreakerSettings, tripBreaker } from '../model/breaker.js';
import type { HeldSample, RunRecord } from '../model/run.js';
import type { ProposalStore } from '../sinks/store.js';

/** How many held proposals the run record lists, for the report and the page. */
const SAMPLE = 5;

/**
 * Holds the run's new proposals when the breaker trips, and notes it on `run`. A finalise attempt that
 * is retried counts the proposals an earlier attempt held as well, so it reaches the same verdict.
 * A store's first run is never held: every finding is new then, and there is no earlier night for a
 * sudden change to differ from.
 */
export async function holdIfAbnormal(
  store: ProposalStore,
  run: RunRecord,
  settings: BreakerSettings,
): Promise<void> {
  const earlier = (await store.listRuns(10)).some((r) => r.id !== run.id && r.finishedAt !== undefined);
  if (!earlier) return;
  const newByField = await store.countBy({ firstRun: run.id, status: ['open', 'held'] }, 'field');
  const verdict = tripBreaker({ compared: run.counts.fetched, newByField }, settings);
  if (!verdict.held) return;
  await store.holdRun(run.id, 'hold');
  const held = await store.list({ firstRun: run.id, status: ['held'] }, { limit: SAMPLE });
  const sample: HeldSample[] = held.proposals.map((p) => ({
    id: p.id,
    entity: p.entity,
    field: p.field,
    kind: p.kind,
  }));
  run.held = {
    reason: verdict.reason,
    fields: verdict.fields,
    proposals: await store.count({ firstRun: run.id, status: ['held'] }),
    compared: verdict.compared,
    sample,
  };
}
