// An entity's sync state from night to night: when a revision check sends it to a fetch, what a
// comparison or a check that found nothing new leaves behind, and when a wait for a recent edit is over.

import { describe, expect, it } from 'vitest';
import {
  type CheckedRevisions,
  checkedState,
  type EntityState,
  needsFetch,
  nextState,
  type Observed,
  verifiedState,
  waitOver,
} from '../../src/sync/state.js';

const NOW = '2026-11-25T03:00:00.000Z';
const YESTERDAY = '2026-11-24T03:00:00.000Z';
const previous: EntityState = {
  qid: 'Q1',
  itemRev: 100,
  pageRev: 200,
  pageItem: 'Q1',
  recordHash: 'h1',
  checkedAt: YESTERDAY,
  verifiedAt: YESTERDAY,
};
const same: Observed = { qid: 'Q1', itemRev: 100, pageRev: 200, pageItem: 'Q1', recordHash: 'h1' };

describe('needsFetch', () => {
  it.each<{
    name: string;
    prev?: Partial<EntityState> | null;
    seen?: Partial<Observed>;
    now?: string;
    fetch: boolean;
  }>([
    { name: 'never compared', prev: null, fetch: true },
    { name: 'nothing moved', fetch: false },
    { name: 'the item has a new revision', seen: { itemRev: 101 }, fetch: true },
    { name: 'the page has a new revision', seen: { pageRev: 201 }, fetch: true },
    { name: 'the page was linked to another item, no new revision', seen: { pageItem: 'Q2' }, fetch: true },
    { name: 'the page went away', seen: { pageRev: undefined, pageItem: undefined }, fetch: true },
    { name: 'the local record changed', seen: { recordHash: 'h2' }, fetch: true },
    { name: 'the record names another QID', seen: { qid: 'Q2' }, fetch: true },
    { name: 'a redirect title alone is no change', seen: { pageTitle: 'Sora (model)' }, fetch: false },
    { name: 'a wait that is over', prev: { waitUntil: YESTERDAY }, now: NOW, fetch: true },
    { name: 'a wait not yet over', prev: { waitUntil: '2026-11-26T00:00:00Z' }, now: NOW, fetch: false },
    { name: 'a wait, with no time to weigh it by', prev: { waitUntil: YESTERDAY }, fetch: false },
  ])('$name: $fetch', ({ prev, seen, now, fetch }) => {
    const state = prev === null ? undefined : { ...previous, ...prev };
    expect(needsFetch(state, { ...same, ...seen }, now)).toBe(fetch);
  });
});

describe('waitOver', () => {
  it.each([
    { waitUntil: undefined, over: false },
    { waitUntil: '2026-11-25T02:59:59Z', over: true },
    { waitUntil: NOW, over: true },
    { waitUntil: '2026-11-25T03:00:01Z', over: false },
  ])('waiting until $waitUntil: $over', ({ waitUntil, over }) => {
    expect(waitOver({ ...previous, ...(waitUntil ? { waitUntil } : {}) }, NOW)).toBe(over);
  });

  it('is never over for an entity never compared', () => {
    expect(waitOver(undefined, NOW)).toBe(false);
  });
});

describe('nextState: after a comparison', () => {
  it.each<{ name: string; seen: Observed; state: EntityState }>([
    {
      name: 'compared and verified now; what the fetch did not see is left out',
      seen: { qid: 'Q1', recordHash: 'h2', itemRev: 101 },
      state: { qid: 'Q1', itemRev: 101, recordHash: 'h2', checkedAt: NOW, verifiedAt: NOW },
    },
    {
      name: 'the merge target, the page after redirects and a wait are kept',
      seen: {
        qid: 'Q1',
        recordHash: 'h1',
        itemRev: 7,
        pageRev: 8,
        target: 'Q2',
        pageTitle: 'Sora (model)',
        pageItem: 'Q2',
        waitUntil: '2026-11-26T00:00:00Z',
      },
      state: {
        qid: 'Q1',
        itemRev: 7,
        pageRev: 8,
        recordHash: 'h1',
        checkedAt: NOW,
        verifiedAt: NOW,
        target: 'Q2',
        pageTitle: 'Sora (model)',
        pageItem: 'Q2',
        waitUntil: '2026-11-26T00:00:00Z',
      },
    },
    {
      name: 'a wait the comparison no longer needs is dropped',
      seen: { qid: 'Q1', recordHash: 'h1', itemRev: 100 },
      state: { qid: 'Q1', itemRev: 100, recordHash: 'h1', checkedAt: NOW, verifiedAt: NOW },
    },
  ])('$name', ({ seen, state }) => {
    const next = nextState(seen, NOW);
    expect(next).toEqual(state);
    expect(Object.keys(next)).toEqual(Object.keys(state));
    expect(needsFetch(next, seen, NOW)).toBe(false);
  });
});

describe('verifiedState: after a revision check that found nothing new', () => {
  it('is verified now and compared as before, its wait kept', () => {
    const waiting = { ...previous, waitUntil: '2026-11-26T00:00:00Z' };
    expect(verifiedState(waiting, NOW)).toEqual({ ...waiting, verifiedAt: NOW });
  });
});

describe('checkedState: what a revision check saw', () => {
  const record = { qid: 'Q1' as const, recordHash: 'h1' };
  it.each<{ name: string; checked: CheckedRevisions; seen: Observed; fetch: boolean }>([
    {
      name: 'a sweep that found item and page as they were',
      checked: { itemRev: 100, page: { lastrevid: 200, wikibaseItem: 'Q1' }, sweep: true },
      seen: same,
      fetch: false,
    },
    {
      name: 'a sweep that found the page edited',
      checked: { itemRev: 100, page: { lastrevid: 250, wikibaseItem: 'Q1' }, sweep: true },
      seen: { ...same, pageRev: 250 },
      fetch: true,
    },
    {
      name: 'a sweep that found no page',
      checked: { itemRev: 100, sweep: true },
      seen: { qid: 'Q1', recordHash: 'h1', itemRev: 100 },
      fetch: true,
    },
    {
      name: 'a verification checks the item only: the page stands as it was',
      checked: { itemRev: 100, sweep: false },
      seen: same,
      fetch: false,
    },
    {
      name: 'a verification that found the item edited',
      checked: { itemRev: 101, page: { lastrevid: 999 }, sweep: false },
      seen: { ...same, itemRev: 101 },
      fetch: true,
    },
    {
      name: 'an item the check could not read',
      checked: { itemRev: undefined, sweep: false },
      seen: { qid: 'Q1', recordHash: 'h1', pageRev: 200, pageItem: 'Q1' },
      fetch: true,
    },
  ])('$name', ({ checked, seen, fetch }) => {
    const observed = checkedState(previous, record, checked);
    expect(observed).toEqual(seen);
    expect(needsFetch(previous, observed, NOW)).toBe(fetch);
  });
});
