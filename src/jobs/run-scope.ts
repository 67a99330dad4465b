// What the jobs of one run share in Redis besides the queue, for its requests: the hosts found
// unreachable (every batch of the run, in any worker, fails at once on them instead of each finding out
// again), and the requests of job attempts whose result was dropped for a retry (they were sent all the
// same, and the report counts every request). Both are read by the finalise job, then deleted. Also the
// hooks a job's requests are made with (runRequestHooks): its own tally, and the run's unreachable hosts.

import type { UnreachableHost } from '../model/run.js';
import { runKeys, TTL } from '../redis-keys.js';
import type { RequestHooks } from '../sources/http.js';
import type { UnreachableHosts } from '../sources/http-reach.js';
import type { Runtime } from './runtime.js';

/** Requests and bytes by endpoint: every attempt counts, retries and throttled ones included. */
export type Tally = Record<string, { requests: number; bytes: number }>;

const unreachableKey = (runtime: Runtime, runId: string) =>
  runKeys(runtime.settings.prefix, runId).unreachable;
const retriedKey = (runtime: Runtime, runId: string) => runKeys(runtime.settings.prefix, runId).retried;

function runUnreachableHosts(runtime: Runtime, runId: string): UnreachableHosts {
  const key = unreachableKey(runtime, runId);
  return {
    async reason(host) {
      return (await runtime.redis.hget(key, host)) ?? undefined;
    },
    async record(host, reason) {
      await runtime.redis.multi().hsetnx(key, host, reason).expire(key, TTL.run).exec();
    },
  };
}

/**
 * What a job of the run makes its requests with (`runtime.sources.with(…)`): each attempt counted in its
 * own tally, and the run's unreachable hosts.
 */
export function runRequestHooks(runtime: Runtime, runId: string, tally: Tally): RequestHooks {
  return {
    onResponse(endpoint, bytes) {
      const tallied = tally[endpoint] ?? { requests: 0, bytes: 0 };
      tally[endpoint] = tallied;
      tallied.requests++;
      tallied.bytes += bytes;
    },
    unreachable: runUnreachableHosts(runtime, runId),
  };
}

/** Keeps the requests of an attempt whose result is dropped (it throws, to be retried), for the run's count. */
export async function keepDroppedRequests(runtime: Runtime, runId: string, tally: Tally): Promise<void> {
  const entries = Object.entries(tally);
  if (entries.length === 0) return;
  const key = retriedKey(runtime, runId);
  const multi = runtime.redis.multi();
  for (const [endpoint, { requests, bytes }] of entries)
    multi.hincrby(key, `${endpoint}\nrequests`, requests).hincrby(key, `${endpoint}\nbytes`, bytes);
  await multi.expire(key, TTL.run).exec();
}

/** What the finalise job adds to the run: the dropped attempts' requests and the unreachable hosts. */
export async function runScopeResults(
  runtime: Runtime,
  runId: string,
): Promise<{ dropped: Tally; unreachable: UnreachableHost[] }> {
  const [counts, hosts] = await Promise.all([
    runtime.redis.hgetall(retriedKey(runtime, runId)),
    runtime.redis.hgetall(unreachableKey(runtime, runId)),
  ]);
  const dropped: Tally = {};
  for (const [field, value] of Object.entries(counts)) {
    const [endpoint = '', what] = field.split('\n');
    const entry = dropped[endpoint] ?? { requests: 0, bytes: 0 };
    dropped[endpoint] = entry;
    if (what === 'requests' || what === 'bytes') entry[what] = Number(value);
  }
  const unreachable = Object.entries(hosts)
    .map(([host, reason]) => ({ host, reason }))
    .sort((a, b) => a.host.localeCompare(b.host));
  return { dropped, unreachable };
}

/** The run is finalised: its shared request keys go. */
export async function dropRunScope(runtime: Runtime, runId: string): Promise<void> {
  await runtime.redis.del(retriedKey(runtime, runId), unreachableKey(runtime, runId));
}
