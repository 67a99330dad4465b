// Upstream faults: a run over 2,000 generated entities against a fake Wikimedia that answers 10% of
// requests with a 5xx, holds 5% unanswered past http.timeoutMs, and throttles others (maxlag errors,
// 429 and 503 with Retry-After) ends with exactly the proposals of a clean run over the same world, no
// entity failed, and no request went out before the Retry-After the fake had announced allowed it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../dev/fake-wikimedia/src/index.js';
import { syncNow } from '../../src/jobs/sync.js';
import type { TestInstall } from '../support/install.js';
import { proposalLines } from '../support/proposals.js';
import { install, recordFigures, seconds, timeFile } from './helpers.js';

timeFile('upstream-faults');

const ENTITIES = 2000;
const FAULTS: FaultSpec = {
  errorRate: 0.1, // HTTP 500, 502 or 504
  timeoutRate: 0.05, // never answered: the socket is held 4 s, past http.timeoutMs (1.5 s)
  maxlagRate: 0.04, // MediaWiki's maxlag error, with Retry-After
  throttleRate: 0.04, // HTTP 429 with Retry-After
  unavailableRate: 0.03, // HTTP 503 with Retry-After
  retryAfterSeconds: 1,
  timeoutMs: 4000,
};
/**
 * Enough retries that every request gets through: a request fails for good only after 1 + 12 tries,
 * each failing with probability 0.15 (5xx or timeout): 0.15^13 ≈ 2e-11 a request. Throttling is waited
 * out and never counts (http.maxWaitMs, 10 minutes, is never reached at 1 s a Retry-After). A batch has
 * worker.attempts 5 on top of that.
 */
const CONFIG = {
  http: { timeoutMs: 1500, retries: 12, concurrency: 8, ratePerSecond: 1000, budgetPerHour: 10_000_000 },
  worker: { attempts: 5, concurrency: 4 },
};

const installs: TestInstall[] = [];
let cleanLines: string[];
let cleanMs = 0;

beforeAll(async () => {
  const clean = await install('faults-clean', { entities: ENTITIES, file: CONFIG });
  installs.push(clean);
  const started = Date.now();
  const { run } = await syncNow(clean.runtime, { trigger: 'one-off' });
  cleanMs = Date.now() - started;
  expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0, unreadable: 0 });
  cleanLines = await proposalLines(clean.runtime.store);
  expect(Object.values(clean.fake.stats().faults).every((n) => n === 0)).toBe(true);
  expect(cleanLines.length).toBeGreaterThan(100);
});

afterAll(async () => {
  await Promise.allSettled(installs.map((i) => i.close()));
});

describe('a run through upstream faults', () => {
  it('ends with the proposals of a clean run, nothing failed, and every Retry-After honoured', async () => {
    const faulty = await install('faults', { fake: { faults: FAULTS }, entities: ENTITIES, file: CONFIG });
    installs.push(faulty);
    const started = Date.now();
    const { run } = await syncNow(faulty.runtime, { trigger: 'one-off' });
    const faultyMs = Date.now() - started;
    const stats = faulty.fake.stats();
    const client = faulty.runtime.sources.http.statsByEndpoint();
    const lines = await proposalLines(faulty.runtime.store);

    recordFigures('upstream-faults', {
      entities: ENTITIES,
      faultSpec: FAULTS,
      config: CONFIG,
      faultsInjected: stats.faults,
      requests: stats.requests,
      byStatus: stats.byStatus,
      earlyRequests: stats.earlyRequests,
      client: Object.fromEntries(
        Object.entries(client).map(([endpoint, s]) => [
          endpoint,
          { requests: s.requests, retries: s.retries, throttled: s.throttled, failures: s.failures },
        ]),
      ),
      runCounts: run.counts,
      proposals: {
        clean: cleanLines.length,
        faulty: lines.length,
        equal: lines.join('\n') === cleanLines.join('\n'),
      },
      durations: { cleanRunSeconds: seconds(cleanMs), faultyRunSeconds: seconds(faultyMs) },
    });

    expect(run.counts).toMatchObject({ seen: ENTITIES, fetched: ENTITIES, failed: 0, unreadable: 0 });
    expect(run.failures).toEqual([]);
    // Every kind of fault was met (the draws are seeded: about 35 errors, 15 timeouts, 10 to 15 of each
    // kind of throttling in a run).
    expect(stats.faults.error).toBeGreaterThanOrEqual(15);
    expect(stats.faults.timeout).toBeGreaterThanOrEqual(5);
    for (const kind of ['maxlag', 'throttle', 'unavailable'] as const)
      expect(stats.faults[kind], kind).toBeGreaterThan(0);
    expect(stats.faults.truncate).toBe(0);
    // The client saw them: it retried the failures and waited out the throttling.
    const total = (key: 'retries' | 'throttled' | 'failures') =>
      Object.values(client).reduce((n, s) => n + s[key], 0);
    expect(total('retries')).toBeGreaterThanOrEqual(stats.faults.error + stats.faults.timeout);
    expect(total('throttled')).toBe(stats.faults.maxlag + stats.faults.throttle + stats.faults.unavailable);
    expect(total('failures')).toBe(0);
    // No request came back sooner than a Retry-After the fake had announced.
    expect(stats.earlyRequests).toBe(0);
    // id + entity + qid + field + kind + status + local + remote of every proposal.
    expect(lines).toEqual(cleanLines);
  });
});
