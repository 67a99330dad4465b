// The planner's pure part: which strategy it picks for small and large stores, when the feed cannot be
// used, and how the rolling verification spreads entities over the nights.

import { describe, expect, it } from 'vitest';
import { chooseStrategy, isDue, type PlanInputs, verificationFor } from '../../src/model/plan.js';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const yesterday = '2026-11-24T03:00:00Z|123';

function inputs(entities: number, overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    entities,
    pages: Math.round(entities * 0.7),
    titlesPerRequest: 50,
    rowsPerRequest: 500,
    feeds: [
      { wiki: 'wikidata', rowsPerDay: 600_000, cursor: yesterday },
      { wiki: 'en', rowsPerDay: 100_000, cursor: yesterday },
    ],
    verifyDays: 30,
    now: NOW,
    ...overrides,
  };
}

describe('the strategy', () => {
  it('is a sweep for a small store: checking 10,000 entities costs less than reading a day of feeds', () => {
    const choice = chooseStrategy(inputs(10_000), 'auto');
    expect(choice.strategy).toBe('sweep');
    expect(choice.estimates.sweep).toBe(200 + 140);
    expect(choice.estimates.feed).toBe(1_200 + 200 + 7);
  });

  it('is the change feed for a large store: a day of feeds costs less than checking 1,000,000 entities', () => {
    const choice = chooseStrategy(inputs(1_000_000), 'auto');
    expect(choice.strategy).toBe('feed');
    expect(choice.estimates.sweep).toBe(20_000 + 14_000);
    // 1,200 Wikidata feed requests + 200 English Wikipedia + 667 for the night's verification slice.
    expect(choice.estimates.feed).toBe(2_067);
  });

  it('weighs the feed by the time since the last run, and apihighlimits by its larger pages', () => {
    const week = '2026-11-18T03:00:00Z';
    const stale = inputs(100_000, { feeds: [{ wiki: 'wikidata', rowsPerDay: 600_000, cursor: week }] });
    expect(chooseStrategy(stale, 'auto').strategy).toBe('sweep');
    const high = { ...stale, titlesPerRequest: 500, rowsPerRequest: 5_000 };
    expect(chooseStrategy(high, 'auto').estimates).toEqual({ sweep: 200 + 140, feed: 840 + 7 });
  });

  it('counts only the spans polling reads when the change stream covered the rest', () => {
    const hour = 3_600_000;
    // The stream covered the day but for its first hour (the watcher started late) and its last hour.
    const spans = [
      { start: yesterday, until: Date.parse('2026-11-24T04:00:00Z') },
      { start: '2026-11-25T02:00:00Z|0' },
    ];
    const wikidata = { wiki: 'wikidata', rowsPerDay: 600_000, cursor: yesterday };
    const gapped = inputs(10_000, { feeds: [{ ...wikidata, spans }] });
    // 25,000 rows an hour, 500 a request: 50 for the gap, 50 for the tail, 7 for the verification slice.
    expect(chooseStrategy(gapped, 'auto')).toMatchObject({
      strategy: 'feed',
      estimates: { sweep: 200 + 140, feed: 50 + 50 + 7 },
    });
    // Read whole, the same day costs 1,200 requests.
    expect(chooseStrategy(inputs(10_000, { feeds: [wikidata] }), 'auto').estimates.feed).toBe(1_200 + 7);
    // Each span asks once at least, however few its rows; one that ends past the head counts to the head.
    const thin = [
      { start: '2026-11-25T02:59:59Z|0', until: NOW + hour },
      { start: '2026-11-25T03:00:00Z|0' },
    ];
    const tiny = inputs(10_000, { feeds: [{ ...wikidata, spans: thin }] });
    expect(chooseStrategy(tiny, 'auto').estimates.feed).toBe(1 + 1 + 7);
  });

  it('measures the 30-day horizon from the first span polling reads', () => {
    const old = '2026-10-20T03:00:00Z|5';
    const covered = inputs(10_000, {
      feeds: [
        { wiki: 'wikidata', rowsPerDay: 600_000, cursor: old, spans: [{ start: '2026-11-25T02:00:00Z|0' }] },
      ],
    });
    expect(chooseStrategy(covered, 'auto')).toMatchObject({ strategy: 'feed', estimates: { feed: 50 + 7 } });
    const gap = inputs(10_000, {
      feeds: [
        {
          wiki: 'wikidata',
          rowsPerDay: 600_000,
          cursor: old,
          spans: [
            { start: old, until: Date.parse('2026-10-20T04:00:00Z') },
            { start: '2026-11-25T02:00:00Z|0' },
          ],
        },
      ],
    });
    expect(chooseStrategy(gap, 'auto').reason).toContain('past its 30-day horizon');
  });

  it('falls back to a sweep past the feed horizon, or when a feed was never read', () => {
    const old = inputs(1_000_000, { now: NOW + 31 * 86_400_000 });
    expect(chooseStrategy(old, 'auto')).toMatchObject({
      strategy: 'sweep',
      reason: expect.stringContaining('past its 30-day horizon'),
    });
    expect(chooseStrategy(old, 'feed').strategy).toBe('sweep');
    const unread = inputs(1_000_000, {
      feeds: [
        { wiki: 'wikidata', rowsPerDay: 600_000, cursor: yesterday },
        { wiki: 'de', rowsPerDay: 100_000 },
      ],
    });
    expect(chooseStrategy(unread, 'auto')).toMatchObject({
      strategy: 'sweep',
      reason: expect.stringContaining('de feed'),
    });
  });

  it('follows sync.strategy when it is not auto', () => {
    expect(chooseStrategy(inputs(1_000_000), 'sweep').strategy).toBe('sweep');
    expect(chooseStrategy(inputs(10), 'feed').strategy).toBe('feed');
  });
});

describe('the rolling verification', () => {
  // Batches of a feed run, by index: a slice is whole batches, so its checks go 50 titles a request.
  const batches = Array.from({ length: 200 }, (_, i) => i);
  const recently = new Date(NOW - 86_400_000).toISOString();

  it('checks every batch exactly once in verifyDays consecutive runs, as many each night', () => {
    const times = new Map<number, number>();
    const perNight: number[] = [];
    for (let run = 17; run < 17 + 30; run++) {
      const verification = verificationFor(run, 30, NOW);
      const due = batches.filter((batch) => isDue(batch, recently, verification));
      perNight.push(due.length);
      for (const batch of due) times.set(batch, (times.get(batch) ?? 0) + 1);
    }
    expect(times.size).toBe(batches.length);
    expect([...times.values()].every((n) => n === 1)).toBe(true);
    expect(Math.min(...perNight)).toBe(6);
    expect(Math.max(...perNight)).toBe(7);
  });

  it('checks an entity overdue after missed nights, and one never verified, whatever its batch', () => {
    const verification = verificationFor(3, 30, NOW);
    const overdue = new Date(NOW - 31 * 86_400_000).toISOString();
    expect(batches.filter((batch) => isDue(batch, overdue, verification))).toHaveLength(batches.length);
    expect(batches.filter((batch) => isDue(batch, undefined, verification))).toHaveLength(batches.length);
  });
});
