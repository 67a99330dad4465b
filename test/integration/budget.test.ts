// The request budget as the gate keeps it in a real Redis, against a real loopback server: a minute's
// requests go out at once and no more; refreshes take the share nightly work may not; what a server
// says (RateLimit headers, a 429) holds every client sharing the gate; and the state reads back for
// `status` and the review page without spending anything.

import { describe, expect, it } from 'vitest';
import { budgetLimits } from '../../src/sources/budget.js';
import { readBudget } from '../../src/sources/budget-state.js';
import type { HttpClient, JsonClient } from '../../src/sources/http.js';
import { redisGate } from '../../src/sources/http-gate.js';
import { httpRig, testHttpClient } from '../support/http-client.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const rig = httpRig<ScriptedServer>('budget');
const { redis, prefix } = rig;
const OK = { status: 200, body: { success: 1 } };

/** Clients sharing one gate (as worker processes do through Redis), with the given budget. */
function clients(name: string, perMinute: number, perHour: number, count = 1): HttpClient[] {
  const gateOptions = {
    prefix: `${prefix}:${name}`,
    concurrency: 8,
    ratePerSecond: 1000,
    leaseMs: 10_000,
    budget: budgetLimits(perMinute, perHour),
  };
  return Array.from({ length: count }, () =>
    testHttpClient(redis, gateOptions.prefix, { concurrency: 8, gate: redisGate(redis, gateOptions) }),
  );
}

const get = (client: JsonClient, path: string) =>
  client.getJson(new URL(`${rig.server?.url}/${path}`), 'test');

/** A client as a refresh's job asks through it: its requests are a refresh's for the gate. */
const refreshing = (client: HttpClient) => client.with({ requestClass: 'refresh' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Empties the gate's budget keys, so requests still waiting for next minute go out now (test clean-up). */
async function refill(name: string): Promise<void> {
  await redis.del(`${prefix}:${name}:http:minute`, `${prefix}:${name}:http:hour`);
}

describe('the request budget', () => {
  it("sends a minute's budget at once, keeps a fifth for a refresh, and sends nothing more that minute", async () => {
    rig.server = await startScriptedServer(() => OK);
    const [night, other] = clients('burst', 10, 500, 2) as [HttpClient, HttpClient];
    // Nightly work from two processes: eight of ten go out at once (no 7.2 s pacing), two are kept.
    const nightly = Array.from({ length: 12 }, (_, i) => get(i % 2 ? other : night, `night-${i}`));
    await waitUntil(() => (rig.server?.arrivals.length ?? 0) >= 8);
    await sleep(1_000);
    expect(rig.server.arrivals).toHaveLength(8);
    const state = await readBudget(redis, `${prefix}:burst`, budgetLimits(10, 500));
    expect(state).toMatchObject({ spentMinute: 8, spentHour: 8, left: 2 });
    expect(state.waiting).toMatchObject({
      reason: 'minute',
      detail: 'nightly work waits: the last 2 are kept for refreshes',
    });

    // A refresh takes the two kept for it at once, ahead of the four nightly requests waiting.
    await Promise.all([get(refreshing(night), 'refresh-0'), get(refreshing(other), 'refresh-1')]);
    expect(
      rig.server.arrivals
        .slice(8)
        .map((a) => a.url)
        .sort(),
    ).toEqual(['/refresh-0', '/refresh-1']);
    const spent = await readBudget(redis, `${prefix}:burst`, budgetLimits(10, 500));
    expect(spent).toMatchObject({ spentMinute: 10, left: 0, waiting: { reason: 'minute' } });
    expect(spent.waiting?.until).toBeGreaterThan(spent.now);
    expect(spent.waiting?.until).toBeLessThanOrEqual(spent.now + 61_000);
    await sleep(500);
    expect(rig.server.arrivals).toHaveLength(10);

    await refill('burst');
    await Promise.all(nightly);
    expect(rig.server.arrivals).toHaveLength(14);
    await Promise.all([night.close(), other.close()]);
  });

  it('serves a waiting refresh before the nightly requests that waited longer', async () => {
    rig.server = await startScriptedServer(() => OK);
    const [night, other] = clients('first', 10, 500, 2) as [HttpClient, HttpClient];
    // The minute is spent: eight by the night, two by an earlier refresh.
    await Promise.all(Array.from({ length: 8 }, (_, i) => get(night, `night-${i}`)));
    await Promise.all([get(refreshing(other), 'early-0'), get(refreshing(other), 'early-1')]);
    // More of the night waits; then a refresh comes, and waits too.
    const nightly = Array.from({ length: 4 }, (_, i) => get(night, `later-${i}`));
    await sleep(300);
    const refresh = get(refreshing(other), 'refresh');
    await sleep(300);
    expect(rig.server.arrivals).toHaveLength(10);
    // The minute frees up: the refresh goes first, though the night asked before it.
    await refill('first');
    await refresh;
    expect(rig.server.arrivals[10]?.url).toBe('/refresh');
    await Promise.all(nightly);
    expect(rig.server.arrivals).toHaveLength(15);
    await Promise.all([night.close(), other.close()]);
  });

  it('keeps the hourly ceiling: past the first minute, a night is paced at the hourly refill', async () => {
    rig.server = await startScriptedServer(() => OK);
    // 36,000 an hour with 600 a minute: a bucket of 600 refilled at 9.83 a second.
    const limits = budgetLimits(600, 36_000);
    const [client] = clients('hour', 600, 36_000) as [HttpClient];
    // The hour bucket is spent down to the refreshes' share (as after a long night); the minute is not.
    await redis.hset(`${prefix}:hour:http:hour`, 'tokens', String(limits.reserve), 'ts', String(Date.now()));
    const total = 30;
    await Promise.all(Array.from({ length: total }, (_, i) => get(client, `r${i}`)));
    const times = rig.server.arrivals.map((a) => a.at).sort((a, b) => a - b);
    // Beyond what the bucket held, each request waited for the refill: never faster than it allows.
    const span = ((times.at(-1) as number) - (times[0] as number)) / 1000;
    expect(span).toBeGreaterThanOrEqual((total - 2) / limits.hourRefillPerSecond);
    await client.close();
  });

  it.each([
    ['the IETF draft RateLimit field', () => ({ ratelimit: '"default";r=0;t=3' })],
    [
      'RateLimit-Remaining and RateLimit-Reset',
      () => ({ 'ratelimit-remaining': '0', 'ratelimit-reset': '3' }),
    ],
    [
      'X-RateLimit-Remaining and an epoch X-RateLimit-Reset',
      () => ({
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3),
      }),
    ],
  ])('waits for the reset when the server says none are left (%s), in every client', async (_, headers) => {
    rig.server = await startScriptedServer((i) => (i === 0 ? { ...OK, headers: headers() } : OK));
    const name = `server-${Math.random().toString(36).slice(2, 8)}`;
    const [first, second] = clients(name, 100, 5_000, 2) as [HttpClient, HttpClient];
    await get(first, 'a');
    const state = await readBudget(redis, `${prefix}:${name}`, budgetLimits(100, 5_000));
    expect(state.waiting).toMatchObject({ reason: 'server', detail: 'the server says no requests are left' });
    await Promise.all([get(second, 'b'), get(first, 'c')]);
    const [a, b, c] = rig.server.arrivals.map((arrival) => arrival.at) as [number, number, number];
    // Both waited for the reset the server named (3 s from its answer; 2 at least for an epoch second).
    expect(Math.min(b, c) - a).toBeGreaterThanOrEqual(1_900);
    await Promise.all([first.close(), second.close()]);
  });

  it('halves the pace after a 429 for every client, and shows why requests wait', async () => {
    rig.server = await startScriptedServer([{ status: 429, headers: { 'retry-after': '1' } }, OK]);
    const [first, second] = clients('slow', 10, 500, 2) as [HttpClient, HttpClient];
    const answered = get(first, 'throttled');
    await waitUntil(() => (rig.server?.arrivals.length ?? 0) >= 1);
    await sleep(100);
    const limits = budgetLimits(10, 500);
    const paused = await readBudget(redis, `${prefix}:slow`, limits);
    expect(paused.pace).toBeCloseTo(0.5, 2);
    expect(paused.waiting).toMatchObject({ reason: 'paused', detail: 'HTTP 429, Retry-After' });
    expect(paused.waiting?.until).toBeGreaterThan(paused.now);
    await answered;
    // At half pace the minute holds 5: the throttled try and its retry took 2, so 3 are left.
    expect((await readBudget(redis, `${prefix}:slow`, limits)).left).toBe(3);
    await Promise.all([1, 2, 3].map((i) => get(refreshing(second), `more-${i}`)));
    const spent = await readBudget(redis, `${prefix}:slow`, limits);
    expect(spent).toMatchObject({ spentMinute: 5, left: 0, waiting: { reason: 'minute' } });
    expect(spent.waiting?.detail).toMatch(/slowed to 5\d% after a 429/);
    await Promise.all([first.close(), second.close()]);
  });

  it("keeps nightly work going at the slowed pace: the refreshes' share slows with it", async () => {
    // Four 429s slow the pace to a sixteenth: 1000 a minute becomes 62, of which a sixteenth of the
    // refreshes' 200 (12) stays kept. Keeping all 200 left nightly work one request a minute.
    rig.server = await startScriptedServer((i) =>
      i < 4 ? { status: 429, headers: { 'retry-after': '1' } } : OK,
    );
    const [night] = clients('slowed', 1000, 1_000_000) as [HttpClient];
    await get(night, 'throttled');
    const limits = budgetLimits(1000, 1_000_000);
    expect((await readBudget(redis, `${prefix}:slowed`, limits)).pace).toBeCloseTo(1 / 16, 2);
    await Promise.all(Array.from({ length: 20 }, (_, i) => get(night, `night-${i}`)));
    expect(rig.server.arrivals).toHaveLength(25);
    const state = await readBudget(redis, `${prefix}:slowed`, limits);
    expect(state.spentMinute).toBe(25);
    // 62 - 25, or one more as the pace has begun to come back in the seconds since.
    expect(state.left).toBeGreaterThanOrEqual(62 - 25);
    await night.close();
  });

  it('is not spent by a gate without a budget', async () => {
    rig.server = await startScriptedServer(() => OK);
    const client = testHttpClient(redis, `${prefix}:none`, { concurrency: 8 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => get(client, `r${i}`)));
    expect(rig.server.arrivals).toHaveLength(60);
    await client.close();
  });
});

/** Polls until `check` holds (the test's own timeout bounds it). */
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}
