// The request budget's arithmetic (per minute, under an hourly ceiling, a share kept for refreshes, the
// pace after a 429), the allowance a server's headers state, and the configuration that sets them.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetPerHour, budgetPerMinute, ConfigError, loadConfig } from '../../src/config.js';
import {
  budgetLimits,
  minuteLimitAt,
  paceFactor,
  RECOVERY_MS,
  SLOWEST_FACTOR,
  slowedFactor,
} from '../../src/sources/budget.js';
import { serverAllowance } from '../../src/sources/rate-limit-headers.js';

describe('the budget limits', () => {
  it('let a minute spend its whole budget at once, and never more than the hourly ceiling in an hour', () => {
    for (const [perMinute, perHour] of [
      [10, 500],
      [200, 5_000],
      [1, 10],
      [600, 36_000],
      [166_667, 10_000_000],
    ] as const) {
      const limits = budgetLimits(perMinute, perHour);
      // The hour bucket holds a minute's worth (so a refresh is not paced), below the ceiling…
      expect(limits.hourCapacity).toBe(Math.min(perMinute, perHour - 1));
      // …and in any hour at most its capacity plus an hour's refill: the ceiling.
      expect(limits.hourCapacity + limits.hourRefillPerSecond * 3600).toBeLessThanOrEqual(perHour);
      // Nightly work always has at least one request of each limit.
      expect(limits.reserve).toBeLessThan(limits.hourCapacity);
      expect(limits.reserve).toBeGreaterThanOrEqual(0);
    }
  });

  it('keep a fifth of the minute for refreshes', () => {
    expect(budgetLimits(10, 500).reserve).toBe(2);
    expect(budgetLimits(200, 5_000).reserve).toBe(40);
    expect(budgetLimits(1, 500).reserve).toBe(0);
  });

  it('pace a night of 500 an hour at about 8 a minute once the first minute is spent', () => {
    const { hourCapacity, hourRefillPerSecond } = budgetLimits(10, 500);
    expect(hourCapacity).toBe(10);
    expect(hourRefillPerSecond * 60).toBeCloseTo(490 / 60, 5);
  });
});

describe('the pace after a 429', () => {
  it('halves with every 429, down to a sixteenth', () => {
    let factor = 1;
    const seen = [];
    for (let i = 0; i < 6; i++) {
      factor = slowedFactor(factor);
      seen.push(factor);
    }
    expect(seen).toEqual([0.5, 0.25, 0.125, 0.0625, SLOWEST_FACTOR, SLOWEST_FACTOR]);
  });

  it('comes back gradually: doubling every recovery period, never past whole', () => {
    expect(paceFactor(0.25, 0)).toBe(0.25);
    expect(paceFactor(0.25, RECOVERY_MS)).toBeCloseTo(0.5);
    expect(paceFactor(0.25, RECOVERY_MS / 2)).toBeCloseTo(0.25 * Math.SQRT2);
    expect(paceFactor(0.25, 2 * RECOVERY_MS)).toBe(1);
    expect(paceFactor(0.25, 10 * RECOVERY_MS)).toBe(1);
  });

  it('lowers the minute to its share, at least one request', () => {
    const limits = budgetLimits(10, 500);
    expect(minuteLimitAt(limits, 1)).toBe(10);
    expect(minuteLimitAt(limits, 0.5)).toBe(5);
    expect(minuteLimitAt(limits, SLOWEST_FACTOR)).toBe(1);
  });
});

describe('the allowance a server states', () => {
  const now = Date.parse('2026-12-02T08:00:00Z');

  it('reads the IETF draft RateLimit field, the tightest policy first', () => {
    expect(serverAllowance({ ratelimit: '"default";r=50;t=30' }, now)).toEqual({
      remaining: 50,
      resetMs: 30_000,
    });
    expect(serverAllowance({ ratelimit: '"permin";r=3;t=12, "perhr";r=900;t=3000' }, now)).toEqual({
      remaining: 3,
      resetMs: 12_000,
    });
    // No reset time: the remaining quota alone.
    expect(serverAllowance({ ratelimit: '"default";r=999' }, now)).toEqual({ remaining: 999 });
  });

  it('reads RateLimit-Remaining and RateLimit-Reset (delay-seconds)', () => {
    expect(
      serverAllowance({ 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': '42' }, now),
    ).toEqual({ remaining: 0, resetMs: 42_000 });
  });

  it('reads X-RateLimit-Reset as epoch seconds or as seconds to wait', () => {
    const epoch = String(now / 1000 + 90);
    expect(serverAllowance({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': epoch }, now)).toEqual({
      remaining: 4,
      resetMs: 90_000,
    });
    expect(serverAllowance({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '15' }, now)).toEqual({
      remaining: 4,
      resetMs: 15_000,
    });
  });

  it('ignores what it cannot read, and says nothing when nothing is stated', () => {
    expect(serverAllowance({}, now)).toBeUndefined();
    expect(serverAllowance({ 'x-ratelimit-remaining': 'lots' }, now)).toBeUndefined();
    expect(serverAllowance({ ratelimit: '"default";r=-1;t=5' }, now)).toBeUndefined();
    expect(serverAllowance({ 'ratelimit-remaining': '7', 'ratelimit-reset': 'soon' }, now)).toEqual({
      remaining: 7,
    });
  });
});

describe('the budget configuration', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-budget-'));
  const file = (text: string) => {
    const full = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(full, text);
    return full;
  };

  it('is Wikimedia figures by default: 10 a minute and 500 an hour, 200 and 5,000 with a token', () => {
    const anonymous = loadConfig({ env: {} });
    expect([budgetPerMinute(anonymous), budgetPerHour(anonymous)]).toEqual([10, 500]);
    const withToken = loadConfig({ env: { WIKIMEDIA_TOKEN: 'a-token-of-some-length' } });
    expect([budgetPerMinute(withToken), budgetPerHour(withToken)]).toEqual([200, 5_000]);
  });

  it('follows a raised hourly figure when the minute is auto, and takes a set minute as it is', () => {
    const raised = loadConfig({ env: {}, file: file('http:\n  budgetPerHour: 36000\n') });
    expect(budgetPerMinute(raised)).toBe(600);
    const set = loadConfig({ env: {}, file: file('http:\n  budgetPerMinute: 30\n') });
    expect(budgetPerMinute(set)).toBe(30);
  });

  it.each([['0'], ['-5'], ['1.5'], ['lots']])('refuses http.budgetPerMinute: %s, naming the key', (value) => {
    let error: unknown;
    try {
      loadConfig({ env: {}, file: file(`http:\n  budgetPerMinute: ${value}\n`) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('http.budgetPerMinute');
    expect((error as ConfigError).message).toContain('config http.budgetPerMinute');
  });
});
