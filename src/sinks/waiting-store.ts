// A store that waits out an outage: a call that finds the store unavailable (StoreError
// STORE_UNAVAILABLE: PostgreSQL restarting, the network gone) is tried again with backoff for up to
// store.maxWaitMs instead of failing its batch. Meanwhile BullMQ keeps renewing the job's lock, so the
// batch is neither failed nor handed to another worker; other errors pass straight through.

import type { Logger } from '../log.js';
import type { ProposalStore } from './store.js';
import { StoreError } from './store-rows.js';

export interface WaitingOptions {
  readonly maxWaitMs: number;
  readonly log?: Logger;
}

export function waitingStore(store: ProposalStore, options: WaitingOptions): ProposalStore {
  let warnedAt = 0;
  const wait = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + options.maxWaitMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        return await call();
      } catch (error) {
        const unavailable = error instanceof StoreError && error.code === 'STORE_UNAVAILABLE';
        if (!unavailable || Date.now() + delay > deadline) throw error;
        if (Date.now() - warnedAt > 10_000) {
          warnedAt = Date.now();
          options.log?.warn(
            { call: what, err: { message: error.message } },
            'the store is unavailable; waiting for it',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  return {
    migrate: () => wait('migrate', () => store.migrate()),
    reconcile: (entity, findings, at, reconcileOptions) =>
      wait('reconcile', () => store.reconcile(entity, findings, at, reconcileOptions)),
    list: (filter, page) => wait('list', () => store.list(filter, page)),
    count: (filter) => wait('count', () => store.count(filter)),
    countBy: (filter, by) => wait('countBy', () => store.countBy(filter, by)),
    get: (ids) => wait('get', () => store.get(ids)),
    review: (ids, decision, at, note) => wait('review', () => store.review(ids, decision, at, note)),
    touch: (entities, at) => wait('touch', () => store.touch(entities, at)),
    markApplied: (ids, at) => wait('markApplied', () => store.markApplied(ids, at)),
    holdRun: (runId, move) => wait('holdRun', () => store.holdRun(runId, move)),
    saveRun: (run) => wait('saveRun', () => store.saveRun(run)),
    getRun: (id) => wait('getRun', () => store.getRun(id)),
    listRuns: (limit) => wait('listRuns', () => store.listRuns(limit)),
    syncStates: (keys) => wait('syncStates', () => store.syncStates(keys)),
    saveSyncStates: (states) => wait('saveSyncStates', () => store.saveSyncStates(states)),
    syncPositions: () => wait('syncPositions', () => store.syncPositions()),
    saveSyncPositions: (positions) => wait('saveSyncPositions', () => store.saveSyncPositions(positions)),
    clearSyncState: () => wait('clearSyncState', () => store.clearSyncState()),
    // A stream is not restarted half-way; its reader retries the whole job if it fails.
    stream: (filter, options) => store.stream(filter, options),
    close: () => store.close(),
  };
}
