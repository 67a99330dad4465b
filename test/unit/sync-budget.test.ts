// A night's request arithmetic: titles a request, what a batch asks of the run's budget, what a job
// spent, what finding the changes costs every run, and when a run's backlog will be reached.

import { describe, expect, it } from 'vitest';
import { emptyRun } from '../../src/model/run.js';
import {
  backlogOf,
  expectedRequests,
  recurringRequests,
  spentRequests,
  titlesPerRequest,
} from '../../src/sync/budget.js';

const NOW = Date.parse('2026-11-25T03:00:00Z');

describe('titlesPerRequest', () => {
  it.each([
    { batchSize: 50, limit: 50, titles: 50 },
    { batchSize: 50, limit: 500, titles: 50 },
    { batchSize: 500, limit: 50, titles: 50 },
    { batchSize: 20, limit: 500, titles: 20 },
  ])('batch of $batchSize, API limit $limit: $titles', ({ batchSize, limit, titles }) => {
    expect(titlesPerRequest(batchSize, limit)).toBe(titles);
  });
});

describe('expectedRequests of a batch', () => {
  it.each([
    { name: 'nothing to do', work: { fetch: 0, check: 0, verify: 0 }, languages: 0, size: 50, requests: 0 },
    // Items, referenced labels, and a page request per language.
    {
      name: 'a fetch, one language',
      work: { fetch: 1, check: 0, verify: 0 },
      languages: 1,
      size: 50,
      requests: 3,
    },
    {
      name: 'a fetch without pages',
      work: { fetch: 50, check: 0, verify: 0 },
      languages: 0,
      size: 50,
      requests: 2,
    },
    {
      name: 'fetches over two requests',
      work: { fetch: 51, check: 0, verify: 0 },
      languages: 2,
      size: 50,
      requests: 8,
    },
    // Revisions of the items, and of the pages per language.
    {
      name: 'a sweep’s checks',
      work: { fetch: 0, check: 50, verify: 0 },
      languages: 2,
      size: 50,
      requests: 3,
    },
    // Revisions of the items only.
    {
      name: 'a verification',
      work: { fetch: 0, check: 0, verify: 120 },
      languages: 3,
      size: 50,
      requests: 3,
    },
    {
      name: 'all three',
      work: { fetch: 10, check: 60, verify: 5 },
      languages: 1,
      size: 50,
      requests: 3 + 4 + 1,
    },
    {
      name: 'at 500 titles a request',
      work: { fetch: 500, check: 501, verify: 0 },
      languages: 1,
      size: 500,
      requests: 3 + 4,
    },
  ])('$name: $requests', ({ work, languages, size, requests }) => {
    expect(expectedRequests(work, languages, size)).toBe(requests);
  });
});

describe('spentRequests', () => {
  it('adds every endpoint up', () => {
    const tally = { wbgetentities: { requests: 3, bytes: 10 }, 'en:query': { requests: 2, bytes: 5 } };
    expect(spentRequests({})).toBe(0);
    expect(spentRequests(tally)).toBe(5);
  });
});

describe('recurringRequests: finding the changes over the whole store', () => {
  const store = { entities: 10_000, pages: 7_000, titlesPerRequest: 50 };
  it.each([
    { name: 'a sweep, no feed estimate', languages: 1, feed: undefined, requests: 200 + 140 + 2 },
    { name: 'the feed when it is cheaper', languages: 2, feed: 100, requests: 100 + 3 },
    { name: 'the sweep when it is cheaper', languages: 0, feed: 1_000, requests: 340 + 1 },
  ])('$name: $requests', ({ languages, feed, requests }) => {
    expect(recurringRequests({ ...store, languages, feed })).toBe(requests);
  });
});

describe('the backlog of a run that ran out of budget', () => {
  const run = (deferred: number, withPlan = true) => {
    const record = emptyRun('r1', 'nightly', '2026-11-25T03:00:00Z');
    record.counts.deferred = deferred;
    return {
      ...record,
      ...(withPlan
        ? {
            plan: {
              strategy: 'feed' as const,
              reason: 'test',
              estimates: { sweep: 34_000, feed: 2_067 },
              budget: { perHour: 500, run: 4_000 },
            },
          }
        : {}),
    };
  };

  it.each([
    {
      name: 'is reached by the next runs with what their budget leaves after finding the changes',
      deferred: 90_000,
      recurring: 2_100,
      backlog: { entities: 90_000, requests: 5_400, recurring: 2_100, runs: 3, expectedBy: '2026-11-28' },
    },
    {
      name: 'is reached by the next run at the least',
      deferred: 10,
      recurring: 0,
      backlog: { entities: 10, requests: 5_400, recurring: 0, runs: 2, expectedBy: '2026-11-27' },
    },
    {
      name: 'is never reached when finding the changes takes the whole budget',
      deferred: 90_000,
      recurring: 4_000,
      backlog: { entities: 90_000, requests: 5_400, recurring: 4_000 },
    },
    { name: 'is none when nothing was deferred', deferred: 0, recurring: 2_100, backlog: undefined },
  ])('$name', ({ deferred, recurring, backlog }) => {
    expect(backlogOf(run(deferred), 5_400, recurring, NOW)).toEqual(backlog);
  });

  it('is none for a run without a plan', () => {
    expect(backlogOf(run(90_000, false), 5_400, 2_100, NOW)).toBeUndefined();
  });
});
