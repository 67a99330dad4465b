// The HTTP layer against a real loopback server and a real Redis: throttling, retries, typed failures.

import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/sources/http.js';
import { wikimediaFixture } from '../support/fixtures.js';
import { expectHttpError, httpRig, TEST_USER_AGENT, testHttpClient } from '../support/http-client.js';
import { redisEnv } from '../support/redis.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';
import { spawnScript } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';

const rig = httpRig<ScriptedServer>('http');
const { redis, prefix } = rig;

const OK = { status: 200, body: { success: 1 } };
const MAXLAG = {
  status: 200,
  headers: { 'retry-after': '1', 'x-database-lag': '6' },
  body: wikimediaFixture('maxlag_error.json'),
};

describe('requests', () => {
  it('carry the configured User-Agent with the undici version, and gzip is decoded', async () => {
    rig.server = await startScriptedServer([{ status: 200, body: { hello: 'wörld' }, gzip: true }]);
    const http = testHttpClient(redis, `${prefix}:ua`);
    expect(await http.getJson(new URL(`${rig.server.url}/w/api.php`), 'test')).toEqual({ hello: 'wörld' });
    expect(rig.server.arrivals[0]?.headers['user-agent']).toBe(`${TEST_USER_AGENT} undici/7.30.2`);
    expect(rig.server.arrivals[0]?.headers['accept-encoding']).toContain('gzip');
    await http.close();
  });

  it('send the token only to the hosts it is for', async () => {
    rig.server = await startScriptedServer([OK]);
    const url = new URL(`${rig.server.url}/w/api.php`);
    const trusted = testHttpClient(redis, `${prefix}:tok`, {
      token: 'sekrit',
      sendTokenTo: (u) => u.host === url.host,
    });
    await trusted.getJson(url, 'test');
    const other = testHttpClient(redis, `${prefix}:tok`, { token: 'sekrit', sendTokenTo: () => false });
    await other.getJson(url, 'test');
    expect(rig.server.arrivals.map((a) => a.headers.authorization)).toEqual(['Bearer sekrit', undefined]);
    await Promise.all([trusted.close(), other.close()]);
  });
});

describe('throttling waits for Retry-After and is not a failure', () => {
  it.each([
    ['a maxlag error on HTTP 200', MAXLAG],
    ['a 429', { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }],
    ['a 503', { status: 503, headers: { 'retry-after': '1' }, body: 'busy' }],
  ])('%s', async (_name, throttle) => {
    rig.server = await startScriptedServer([throttle, OK]);
    const http = testHttpClient(redis, `${prefix}:throttle:${_name}`, { retries: 0 });
    expect(await http.getJson(new URL(rig.server.url), 'wbgetentities')).toEqual({ success: 1 });
    const [first, second] = rig.server.arrivals;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(http.statsByEndpoint().wbgetentities).toMatchObject({
      requests: 2,
      throttled: 1,
      retries: 0,
      failures: 0,
    });
    await http.close();
  });

  it('holds every client sharing the gate, not only the one that was told', async () => {
    rig.server = await startScriptedServer([{ status: 429, headers: { 'retry-after': '1' } }, OK, OK]);
    const shared = `${prefix}:shared`;
    const [a, b] = [testHttpClient(redis, shared), testHttpClient(redis, shared)];
    const first = a.getJson(new URL(rig.server.url), 'test');
    await new Promise((resolve) => setTimeout(resolve, 200)); // a has heard the 429 by now
    const second = b.getJson(new URL(rig.server.url), 'test');
    await Promise.all([first, second]);
    const [throttled, ...later] = rig.server.arrivals;
    for (const arrival of later) expect(arrival.at - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    await Promise.all([a.close(), b.close()]);
  });

  it('gives up with THROTTLED once it has waited http.maxWaitMs', async () => {
    rig.server = await startScriptedServer([{ status: 429, headers: { 'retry-after': '1' } }]);
    const http = testHttpClient(redis, `${prefix}:maxwait`, { maxWaitMs: 1_500 });
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'wbgetentities'));
    expect(error.code).toBe('THROTTLED');
    await http.close();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('5')).toBe(5_000);
    expect(retryAfterMs('Wed, 25 Nov 2026 10:00:10 GMT', Date.parse('Wed, 25 Nov 2026 10:00:00 GMT'))).toBe(
      10_000,
    );
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe("a job's view of the client (HttpClient.with)", () => {
  it('tells the job of every attempt with its bytes, throttled and retried ones included; the stats stay shared', async () => {
    rig.server = await startScriptedServer([
      { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' },
      { status: 502, body: 'bad gateway' },
      OK,
      OK,
    ]);
    const http = testHttpClient(redis, `${prefix}:view`);
    const tally: Record<string, { requests: number; bytes: number }> = {};
    const entry = (endpoint: string) => {
      tally[endpoint] ??= { requests: 0, bytes: 0 };
      return tally[endpoint];
    };
    const job = http.with({
      onRequest(endpoint) {
        entry(endpoint).requests++;
      },
      onResponse(endpoint, bytes) {
        entry(endpoint).bytes += bytes;
      },
    });
    expect(await job.getJson(new URL(rig.server.url), 'wbgetentities')).toEqual({ success: 1 });
    const stats = http.statsByEndpoint().wbgetentities;
    expect(stats).toMatchObject({ requests: 3, throttled: 1, retries: 1 });
    expect(tally).toEqual({ wbgetentities: { requests: 3, bytes: stats?.bytes } });
    expect(stats?.bytes).toBeGreaterThan(0);
    // The client's own requests (and other views') are not the job's.
    await http.getJson(new URL(rig.server.url), 'wbgetentities');
    expect(tally.wbgetentities?.requests).toBe(3);
    expect(http.statsByEndpoint().wbgetentities?.requests).toBe(4);
    await http.close();
  });
  it('counts a request as it goes out: one still in flight when the job gives up is in its count', async () => {
    rig.server = await startScriptedServer([{ ...OK, delayMs: 1_500 }]);
    const http = testHttpClient(redis, `${prefix}:in-flight`);
    let requests = 0;
    const job = http.with({
      onRequest() {
        requests++;
      },
    });
    const answer = job.getJson(new URL(rig.server.url), 'wbgetentities');
    await waitFor('the request to arrive', () => rig.server?.arrivals.length === 1);
    // The answer has not come yet: a job failing now (its tally kept for the run) has counted the request.
    expect(requests).toBe(1);
    await answer;
    expect(requests).toBe(1);
    await http.close();
  });
});

describe('failures retry with backoff, then fail with a typed error', () => {
  it('succeeds after two 5xx', async () => {
    rig.server = await startScriptedServer([{ status: 502 }, { status: 500 }, OK]);
    const http = testHttpClient(redis, `${prefix}:5xx`);
    expect(await http.getJson(new URL(rig.server.url), 'wbgetentities')).toEqual({ success: 1 });
    expect(http.statsByEndpoint().wbgetentities).toMatchObject({ requests: 3, retries: 2, failures: 0 });
    await http.close();
  });

  it('fails with HTTP_STATUS naming the request after persistent 5xx', async () => {
    rig.server = await startScriptedServer([{ status: 500 }]);
    const http = testHttpClient(redis, `${prefix}:5xx-persistent`, { retries: 2 });
    const url = new URL(`${rig.server.url}/w/api.php?action=wbgetentities&ids=Q1`);
    const error = await expectHttpError(http.getJson(url, 'wbgetentities'));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 500, attempts: 3, endpoint: 'wbgetentities' });
    expect(error.message).toContain('action=wbgetentities&ids=Q1');
    expect(rig.server.arrivals).toHaveLength(3);
    await http.close();
  });

  it('retries a truncated body', async () => {
    rig.server = await startScriptedServer([
      { status: 200, body: { entities: { Q1: { id: 'Q1' } } }, truncate: true },
      OK,
    ]);
    const http = testHttpClient(redis, `${prefix}:truncated`);
    expect(await http.getJson(new URL(rig.server.url), 'test')).toEqual({ success: 1 });
    expect(rig.server.arrivals).toHaveLength(2);
    await http.close();
  });

  it('retries a body that is not JSON, then fails with HTTP_BAD_BODY', async () => {
    rig.server = await startScriptedServer([{ status: 200, body: '<html>Wikimedia Error</html>' }]);
    const http = testHttpClient(redis, `${prefix}:badbody`, { retries: 1 });
    expect((await expectHttpError(http.getJson(new URL(rig.server.url), 'test'))).code).toBe('HTTP_BAD_BODY');
    expect(rig.server.arrivals).toHaveLength(2);
    await http.close();
  });

  it('times out a request that gets no answer', async () => {
    rig.server = await startScriptedServer([{ hang: true }]);
    const http = testHttpClient(redis, `${prefix}:timeout`, { timeoutMs: 300, retries: 1 });
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'test'));
    expect(error).toMatchObject({ code: 'HTTP_TIMEOUT', attempts: 2 });
    await http.close();
  });

  it('does not retry an API error that retrying cannot fix', async () => {
    rig.server = await startScriptedServer([
      { status: 200, body: wikimediaFixture('wbgetentities_error_no_such_entity.json') },
    ]);
    const http = testHttpClient(redis, `${prefix}:apierror`);
    const error = await expectHttpError(http.getJson(new URL(rig.server.url), 'wbgetentities'));
    expect(error).toMatchObject({ code: 'API_ERROR', apiCode: 'no-such-entity', attempts: 1 });
    await http.close();
  });

  it('does not retry a 404', async () => {
    rig.server = await startScriptedServer([{ status: 404 }]);
    const http = testHttpClient(redis, `${prefix}:404`);
    expect(await expectHttpError(http.getJson(new URL(rig.server.url), 'test'))).toMatchObject({
      code: 'HTTP_STATUS',
      status: 404,
      attempts: 1,
    });
    await http.close();
  });
});

describe('politeness limits hold across worker processes', () => {
  it('two processes together stay within http.concurrency and http.ratePerSecond', async () => {
    rig.server = await startScriptedServer(() => ({ status: 200, body: { success: 1 }, delayMs: 40 }));
    const shared = `${prefix}:processes`;
    const [concurrency, rate, perProcess] = [2, 20, 15];
    const args = [rig.server.url, shared, String(perProcess), String(concurrency), String(rate)];
    const run = async () => {
      const child = spawnScript('test/support/http-worker.ts', args, { env: redisEnv() });
      const { code } = await child.exited;
      if (code !== 0) throw new Error(`worker exited ${code}: ${child.stderr()}`);
      return child.stdout();
    };
    const outputs = await Promise.all([run(), run()]);
    for (const out of outputs) expect(JSON.parse(out).test.requests).toBe(perProcess);
    expect(rig.server.arrivals).toHaveLength(2 * perProcess);
    // Each process alone allows `concurrency` requests: together they would reach twice that.
    expect(rig.server.maxInFlight).toBeLessThanOrEqual(concurrency);
    const times = rig.server.arrivals.map((a) => a.at).sort((x, y) => x - y);
    const busiestSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1_000).length));
    expect(busiestSecond).toBeLessThanOrEqual(rate + 1);
  }, 30_000);
});
