// An HttpClient as the sources build it, against a real Redis gate, with short backoffs for tests.

import type { Redis } from 'ioredis';
import { HttpClient, type HttpOptions } from '../../src/sources/http.js';
import { redisGate } from '../../src/sources/http-gate.js';

export const TEST_USER_AGENT = 'factsync-tests/1.0 (https://example.org/factsync; tests@example.org)';

export function testHttpClient(redis: Redis, prefix: string, options: Partial<HttpOptions> = {}): HttpClient {
  const concurrency = options.concurrency ?? 2;
  return new HttpClient({
    userAgent: TEST_USER_AGENT,
    undiciVersion: '7.30.2',
    // A whole answer, body included: the fake Wikimedia's first batch of 50 generated items takes
    // 2-3 s on a busy machine. Tests of the timeout set their own.
    timeoutMs: 10_000,
    maxBodyBytes: 64 * 1024 * 1024,
    retries: 3,
    concurrency,
    maxWaitMs: 60_000,
    backoffBaseMs: 10,
    backoffMaxMs: 50,
    gate: redisGate(redis, { prefix, concurrency, ratePerSecond: 1000, leaseMs: 15_000 }),
    ...options,
  });
}
