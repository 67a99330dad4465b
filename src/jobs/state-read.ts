// The sync state read once by a command that runs no jobs (`apply`): what the last comparison of each
// entity read. It lives in the proposal store (state-store.ts), which such a command has open anyway:
// Redis need not be running (a one-off sync's private Redis is gone, say).

import type { SyncStateStore } from '../sinks/store.js';
import type { EntityState } from '../sync/state.js';

/** Keys read at once. */
const CHUNK = 1000;

/** The sync state of `keys` (those it has). */
export async function readSyncState(
  store: SyncStateStore,
  keys: readonly string[],
): Promise<Map<string, EntityState>> {
  const found = new Map<string, EntityState>();
  for (let i = 0; i < keys.length; i += CHUNK)
    for (const [key, value] of await store.syncStates(keys.slice(i, i + CHUNK))) found.set(key, value);
  return found;
}
