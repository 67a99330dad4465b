// The hand-over from the change stream to the polled feed (pollSpans in src/jobs/planner.ts): the
// planner polls only what `factsync watch` did not cover since the feed's cursor.

import { describe, expect, it } from 'vitest';
import { pollSpans, STREAM_MARGIN_MS } from '../../src/jobs/planner.js';

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
