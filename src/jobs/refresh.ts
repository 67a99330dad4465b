// A manual refresh ahead of nightly work, the one way both `factsync refresh` and the review page's
// "Refresh now" queue one. The entities are claimed under the id of the run then queued for them, so
// "already waiting (RUN)" names a run the queue and the store know; and a run that could not be queued
// gives its claims back at once, or the entities would stay "waiting" for an hour (the claim's TTL).

import type { RefreshTracker } from './progress.js';
import { newRunId, type QueueSettings } from './queues.js';
import { type StartedRun, startRun } from './start-run.js';

export interface RefreshRequest {
  /** The refresh run queued for `queued`; absent when every entity was already waiting. */
  readonly started?: StartedRun;
  /** The entities this request queued, in the order given. */
  readonly queued: readonly string[];
  /** The entities already waiting for a refresh, each with the run that has it. */
  readonly pending: ReadonlyMap<string, string>;
}

export interface RefreshContext {
  readonly settings: QueueSettings;
  readonly refreshes: RefreshTracker;
}

/** Queues one refresh run for those of `keys` (record keys or QIDs) not already waiting for one. */
export async function requestRefresh(deps: RefreshContext, keys: readonly string[]): Promise<RefreshRequest> {
  const runId = newRunId();
  // A key given twice is one entity: claimed once, not found "already waiting" for this very run.
  const entities = [...new Set(keys)];
  const pending = await deps.refreshes.claim(entities, runId);
  const queued = entities.filter((key) => !pending.has(key));
  if (queued.length === 0) return { queued, pending };
  try {
    const started = await startRun(deps.settings, { trigger: 'refresh', scope: queued, runId });
    return { started, queued, pending };
  } catch (error) {
    await deps.refreshes.done(queued);
    throw error;
  }
}
