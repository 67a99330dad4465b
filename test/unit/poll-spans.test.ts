// The hand-over from the change stream to the polled feed (pollSpans in src/jobs/planner.ts): the
// planner polls only what `factsync watch` did not cover since the feed's cursor.

import { describe, expect, it } from 'vitest';
import { pollSpans, STREAM_MARGIN_MS } from '../../src/jobs/planner.js';
import { chooseStrategy, type PlanInputs } from '../../src/model/plan.js';

const ms = (iso: string) => Date.parse(iso);
const CURSOR = '2026-11-30T03:00:00Z|123';

describe('pollSpans', () => {
  it('reads the whole feed when the stream covered nothing, or nothing after the cursor', () => {
    expect(pollSpans(CURSOR, undefined)).toEqual([{ start: CURSOR }]);
    const before = { from: ms('2026-11-29T00:00:00Z'), to: ms('2026-11-30T03:00:30Z') };
    expect(pollSpans(CURSOR, before)).toEqual([{ start: CURSOR }]);
  });

  it('reads only after the stream’s span (a margin before its end) when it covered from the cursor on', () => {
    const span = { from: ms('2026-11-30T02:00:00Z'), to: ms('2026-12-01T03:00:00Z') };
    expect(pollSpans(CURSOR, span)).toEqual([{ start: '2026-12-01T02:59:00Z|0' }]);
    expect(STREAM_MARGIN_MS).toBe(60_000);
  });

  it('reads the gap before a span that started after the cursor, then after the span', () => {
    const span = { from: ms('2026-11-30T09:00:00Z'), to: ms('2026-12-01T03:00:00Z') };
    expect(pollSpans(CURSOR, span)).toEqual([
      { start: CURSOR, until: ms('2026-11-30T09:01:00Z') },
      { start: '2026-12-01T02:59:00Z|0' },
    ]);
  });

  it('reads the whole feed when the span is too short to leave anything out', () => {
    const span = { from: ms('2026-11-30T09:00:00Z'), to: ms('2026-11-30T09:01:30Z') };
    expect(pollSpans(CURSOR, span)).toEqual([{ start: CURSOR }]);
  });
});

describe('the feed estimate of the spans polled', () => {
  it('counts the gap before the stream’s span and the tail after it, not the whole feed since the cursor', () => {
    // The watcher started six hours after the cursor and ran up to the night's head (issue 18).
    const head = ms('2026-12-01T03:00:00Z');
    const span = { from: ms('2026-11-30T09:00:00Z'), to: head };
    const inputs = (spans?: PlanInputs['feeds'][number]['spans']): PlanInputs => ({
      entities: 10_000,
      pages: 7_000,
      titlesPerRequest: 50,
      rowsPerRequest: 500,
      feeds: [{ wiki: 'wikidata', rowsPerDay: 600_000, cursor: CURSOR, head, ...(spans ? { spans } : {}) }],
      verifyDays: 30,
      now: head,
    });
    // The gap, 03:00 to 09:01 (150,417 rows: 301 requests), the last minute (417 rows: 1), and 7 for
    // the verification slice: fewer than the sweep's 340.
    expect(chooseStrategy(inputs(pollSpans(CURSOR, span)), 'auto')).toMatchObject({
      strategy: 'feed',
      estimates: { sweep: 340, feed: 301 + 1 + 7 },
    });
    // The whole day from the cursor, as if the stream had covered nothing.
    expect(chooseStrategy(inputs(), 'auto')).toMatchObject({
      strategy: 'sweep',
      estimates: { sweep: 340, feed: 1_200 + 7 },
    });
  });
});
