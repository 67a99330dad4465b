// After a Redis flush: the change index (which QIDs and pages are the local store's) and the feeds'
// hits are gone, while the proposal store still says where each feed was read to. Read from there, the
// feeds would match nothing (the index is empty) and hits recorded before the flush but not yet dealt
// with would be lost. So the planner first rebuilds the index from the local store and the durable sync
// state (no request), and moves each feed back to its safe position: where a re-read finds every hit
// not yet dealt with. Hits already dealt with that the re-read finds again are old news (triage).
//
// The safe position moves up to where the feeds were read whenever every hit has been dealt with (the
// hits are empty) and Redis has not been flushed since the planner marked it (`epoch`): at the planner's
// start and when a run finishes. A feed with no safe position (one first read in the run that was cut
// short) is read from nowhere: the planner sweeps (revision checks, the state being kept).

import { durableIndexKeys } from '../redis-keys.js';
import { indexEntries } from '../sync/triage.js';
import type { Runtime } from './runtime.js';

/** Records rebuilt at a time. */
const CHUNK = 1_000;

type Parts = Pick<Runtime, 'redis' | 'changes' | 'state' | 'local' | 'settings' | 'log'>;

/** Rebuilds the index from the local store and the sync state; returns how many records it holds. */
async function rebuildIndex(runtime: Parts): Promise<number> {
  let count = 0;
  let chunk: Array<Parameters<typeof indexEntries>[0]> = [];
  const add = async () => {
    const states = await runtime.state.get(chunk.map((record) => record.key));
    const entries = chunk.map((record) => indexEntries(record, states.get(record.key)));
    await runtime.changes.remember(
      entries.flatMap((entry) => entry.qids),
      entries.flatMap((entry) => entry.pages),
    );
    count += chunk.length;
    chunk = [];
  };
  for await (const result of runtime.local.records()) {
    if (!result.ok) continue;
    chunk.push(result.record);
    if (chunk.length >= CHUNK) await add();
  }
  if (chunk.length > 0) await add();
  return count;
}

/**
 * The planner's first step of a whole-store run: when Redis lost the change index (see above), rebuild
 * it and rewind the feeds; then mark Redis as holding it. Returns whether it rebuilt.
 */
export async function restoreIndex(runtime: Parts): Promise<boolean> {
  const { changes, redis } = runtime;
  const epoch = durableIndexKeys(runtime.settings.prefix).epoch;
  const durable = changes.durable;
  if (!durable) return false;
  const lost = (await redis.exists(epoch)) === 0 && (await changes.meta()).entities !== undefined;
  if (lost) {
    const records = await rebuildIndex(runtime);
    await durable.rewind();
    runtime.log.info(
      { records },
      'Redis lost the change index: rebuilt it, the feeds read again from where it is safe',
    );
  }
  await redis.set(epoch, new Date().toISOString());
  return lost;
}

/** Moves the feeds' safe positions up to where they were read, when every hit has been dealt with. */
export async function keepSafePositions(
  runtime: Pick<Runtime, 'redis' | 'changes' | 'settings'>,
): Promise<void> {
  const { changes } = runtime;
  if (!changes.durable) return;
  const intact = (await runtime.redis.exists(durableIndexKeys(runtime.settings.prefix).epoch)) === 1;
  if (intact && (await changes.settled())) await changes.durable.setSafeCursors(await changes.cursors());
}
