// The request budget where people look: `factsync status` (text and JSON) and the review page's runs
// list show what was spent, what is left, the pace and why requests wait, read from the gate's state in
// a real Redis — without spending any of it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetLimits } from '../../src/sources/budget.js';
import { readBudget } from '../../src/sources/budget-state.js';
import { redisGate } from '../../src/sources/http-gate.js';
import { type SeededServe, seededServe } from '../browser/harness.js';
import { writeConfigFile } from '../support/config.js';
import { connectRedis, dropPrefix, REDIS_CLUSTER, REDIS_URL, testPrefix } from '../support/redis.js';
import { runCli } from '../support/spawn.js';
import { raw } from './server-http.js';

/** The default budget without a token (auto): 10 a minute, 500 an hour. */
const LIMITS = budgetLimits(10, 500);

/** Three requests through the gate, then a 429 that asked for 30 s (with `reason`), as workers would. */
async function spendAndThrottle(redis: Redis, prefix: string, reason: string): Promise<void> {
  const gate = redisGate(redis, {
    prefix,
    concurrency: 2,
    ratePerSecond: 1000,
    leaseMs: 5_000,
    budget: LIMITS,
  });
  for (let i = 0; i < 3; i++) await (await gate.acquire())();
  await gate.observe(429, { 'retry-after': '30' });
  await gate.pause(30_000, reason);
}

describe('factsync status', () => {
  const redis = connectRedis();
  const prefix = testPrefix('budget-status');
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-budget-status-'));
  const configFile = path.join(dir, 'config.yaml');

  beforeAll(async () => {
    writeConfigFile(configFile, {
      redis: { url: REDIS_URL, prefix, ...(REDIS_CLUSTER ? { cluster: true } : {}) },
      store: { path: `${dir}/factsync.db` },
      reports: { dir: `${dir}/reports` },
    });
    await spendAndThrottle(redis, prefix, 'HTTP 429, Retry-After');
  });

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the budget spent and left, the slowed pace, and why requests wait', async () => {
    const before = await readBudget(redis, prefix, LIMITS);
    const { code, stdout, stderr } = await runCli(['--config', configFile, 'status']);
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    const at = lines.indexOf('request budget (all workers):');
    expect(at, stdout).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '  spent: 3 of 10 this minute, 3 of 500 this hour',
      // Half pace after the 429: 5 this minute, 3 spent.
      '  left: 2 now (2 of each minute kept for refreshes)',
      // 50% at the 429, coming back gradually (doubling every five minutes): 5x% by the time it is read.
      expect.stringMatching(/^ {2}pace: 5\d% after a 429 from the server, recovering gradually$/),
      expect.stringMatching(
        /^ {2}requests wait: HTTP 429, Retry-After, until \d\d:\d\d:\d\d UTC \(in \d+ s\)$/,
      ),
    ]);
    expect(lines[at + 5]).toBe('last runs:');
    // Reading it spent nothing.
    expect(await readBudget(redis, prefix, LIMITS)).toMatchObject({
      spentMinute: before.spentMinute,
      spentHour: before.spentHour,
    });
  });

  it('gives the same as JSON', async () => {
    const { code, stdout } = await runCli(['--config', configFile, 'status', '--json']);
    expect(code).toBe(0);
    const { budget } = JSON.parse(stdout) as { budget: Record<string, unknown> };
    expect(budget).toMatchObject({
      spentMinute: 3,
      spentHour: 3,
      left: 2,
      limits: { perMinute: 10, perHour: 500, reserve: 2 },
      waiting: { reason: 'paused', detail: 'HTTP 429, Retry-After' },
    });
  });
});

describe('the review page', () => {
  let served: SeededServe;

  beforeAll(async () => {
    served = await seededServe('budget-page');
    // What a server said, shown as text: never as markup.
    await spendAndThrottle(served.redis, served.prefix, 'maxlag (database lag <b>6</b> s), Retry-After');
  });

  afterAll(async () => {
    await served?.close();
  });

  it('shows the budget on the runs list, escaped', async () => {
    const response = await raw(served.url, { path: '/runs' });
    expect(response.status).toBe(200);
    expect(response.body).toContain('<h2>Request budget</h2>');
    expect(response.body).toContain('<li>spent: 3 of 10 this minute, 3 of 500 this hour</li>');
    expect(response.body).toContain('<li>left: 2 now (2 of each minute kept for refreshes)</li>');
    expect(response.body).toContain('<b>Requests wait.</b>');
    expect(response.body).toMatch(
      /<li>requests wait: maxlag \(database lag &#60;b&#62;6&#60;\/b&#62; s\), Retry-After, until \d\d:\d\d:\d\d UTC \(in \d+ s\)<\/li>/,
    );
  });
});
