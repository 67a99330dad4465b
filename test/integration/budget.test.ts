// The hourly request budget (http.budgetPerHour) as the gate keeps it: two clients sharing one Redis
// gate, against a real loopback server, never send more than the budget allows in any window.

import { describe, expect, it } from 'vitest';
import { budgetBucket, redisGate } from '../../src/sources/http-gate.js';
import { httpRig, testHttpClient } from '../helpers/http-client.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const rig = httpRig<ScriptedServer>('budget');
const { redis, prefix } = rig;

describe('the hourly request budget', () => {
  it('paces two clients together so that no window holds more than the budget allows', async () => {
    // 18,000 an hour: a burst of 50, then 4.99 a second.
    const budgetPerHour = 18_000;
    const { burst, refillPerSecond } = budgetBucket(budgetPerHour);
    expect(burst + refillPerSecond * 3600).toBeLessThanOrEqual(budgetPerHour);
    rig.server = await startScriptedServer(() => ({ status: 200, body: { success: 1 } }));
    const gateOptions = {
      prefix: `${prefix}:a`,
      concurrency: 8,
      ratePerSecond: 1000,
      leaseMs: 10_000,
      budgetPerHour,
    };
    const clients = [0, 1].map(() =>
      testHttpClient(redis, `${prefix}:a`, { concurrency: 8, gate: redisGate(redis, gateOptions) }),
    );
    const total = 80;
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        (clients[i % 2] as (typeof clients)[number]).getJson(new URL(`${rig.server?.url}/r${i}`), 'test'),
      ),
    );
    const times = rig.server.arrivals.map((a) => a.at).sort((a, b) => a - b);
    expect(times).toHaveLength(total);
    // Every window [times[i], times[j]] holds at most burst + refill × its length (+1 for clock rounding).
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const seconds = ((times[j] as number) - (times[i] as number)) / 1000;
        expect(j - i + 1).toBeLessThanOrEqual(burst + refillPerSecond * seconds + 1);
      }
    }
    // The requests beyond the burst waited for the budget to refill.
    const span = ((times.at(-1) as number) - (times[0] as number)) / 1000;
    expect(span).toBeGreaterThanOrEqual((total - burst - 1) / refillPerSecond);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('is not spent by a gate without a budget', async () => {
    rig.server = await startScriptedServer(() => ({ status: 200, body: { success: 1 } }));
    const client = testHttpClient(redis, `${prefix}:b`, { concurrency: 8 });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.getJson(new URL(`${rig.server?.url}/r${i}`), 'test')),
    );
    expect(rig.server.arrivals).toHaveLength(60);
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.close();
  });
});
