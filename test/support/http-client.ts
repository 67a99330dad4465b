// An HttpClient as the sources build it, against a real Redis gate, with short backoffs for tests, and
// the set-up every HTTP test file shares.

import type { Redis } from 'ioredis';
import { afterAll, afterEach, expect } from 'vitest';
import { HttpClient, type HttpOptions } from '../../src/sources/http.js';
import { HttpError } from '../../src/sources/http-errors.js';
import { redisGate } from '../../src/sources/http-gate.js';
import { connectRedis, dropPrefix, testPrefix } from './redis.js';

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

/**
 * A test file's HTTP rig: a real Redis for the request gate under a prefix of its own (dropped after the
 * file), and the one loopback server a test starts (closed after the test).
 */
export function httpRig<S extends { close(): Promise<void> }>(
  name: string,
): { readonly redis: Redis; readonly prefix: string; server: S | undefined } {
  const rig = { redis: connectRedis(), prefix: testPrefix(name), server: undefined as S | undefined };
  afterEach(async () => {
    await rig.server?.close();
    rig.server = undefined;
  });
  afterAll(async () => {
    await dropPrefix(rig.redis, rig.prefix);
    rig.redis.disconnect();
  });
  return rig;
}

/** The HttpError a request fails with (the test fails when it succeeds or throws something else). */
export async function expectHttpError(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}
