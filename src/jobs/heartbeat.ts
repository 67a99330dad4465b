// A long-running worker's heartbeat, for health checks (docker compose's `factsync worker --check`).
// While both its BullMQ workers run, a worker process writes `{prefix}:worker-heartbeat:{host}` every
// HEARTBEAT_MS with a time to live of TTL.heartbeatMs: a worker that has died, stopped, lost Redis or
// whose event loop is stuck stops beating, and Redis forgets the key by itself. The key is per host
// (a container has one), so the check asks about the worker beside it, not about any worker anywhere.

import type { Redis } from 'ioredis';
import { storeKeys, TTL } from '../redis-keys.js';

/** Three beats to a time to live: one late or lost beat is not yet a dead worker. */
export const HEARTBEAT_MS = TTL.heartbeatMs / 3;

const STOP_WAIT_MS = 1_000;

/** What a beat records: which process, and when (epoch ms). */
export interface Beat {
  readonly pid: number;
  readonly at: number;
}

/** A beat as stored, or undefined for a value that is not one (another program's key, a newer format). */
export function beatOf(value: string | null): Beat | undefined {
  if (value === null) return undefined;
  try {
    const { pid, at } = JSON.parse(value) as Partial<Beat>;
    return Number.isInteger(pid) && Number.isFinite(at)
      ? { pid: pid as number, at: at as number }
      : undefined;
  } catch {
    return undefined;
  }
}

export interface Heartbeat {
  /** Stops beating and forgets this process's beat, so a stopped worker is not reported alive. */
  stop(): Promise<void>;
}

export function startHeartbeat(
  redis: Redis,
  options: { prefix: string; host: string; pid: number; alive: () => boolean; everyMs?: number },
): Heartbeat {
  const key = storeKeys(options.prefix).heartbeat(options.host);
  let inFlight: Promise<unknown> | undefined;
  const beat = () => {
    // While Redis is away a write waits (maxRetriesPerRequest: null): do not pile more up behind it.
    if (inFlight || !options.alive()) return;
    const value = JSON.stringify({ pid: options.pid, at: Date.now() } satisfies Beat);
    inFlight = redis
      .set(key, value, 'PX', TTL.heartbeatMs)
      .catch(() => undefined) // the key expires: that is the report
      .finally(() => {
        inFlight = undefined;
      });
  };
  beat();
  const timer = setInterval(beat, options.everyMs ?? HEARTBEAT_MS);
  timer.unref();
  const forget = async () => {
    await inFlight;
    // Only our own beat: another worker process on this host may have written the key since.
    const current = beatOf(await redis.get(key));
    if (current?.pid === options.pid) await redis.del(key);
  };
  return {
    async stop() {
      clearInterval(timer);
      // At most a second: while Redis is away its commands wait for it, and a stopping worker must not
      // (its beat then expires by itself).
      let waited: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => {
        waited = setTimeout(resolve, STOP_WAIT_MS);
        waited.unref();
      });
      await Promise.race([forget().catch(() => undefined), giveUp]);
      clearTimeout(waited);
    },
  };
}

/** This host's last beat, if Redis still holds one (it forgets it TTL.heartbeatMs after the beat). */
export async function lastBeat(redis: Redis, prefix: string, host: string): Promise<Beat | undefined> {
  return beatOf(await redis.get(storeKeys(prefix).heartbeat(host)));
}
