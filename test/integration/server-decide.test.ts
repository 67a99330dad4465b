// Decisions by side through the review server, over real HTTP on loopback against a real store: the
// JSON API's new vocabulary ({ids, side | until, note}) and the old one ({decision: accepted|rejected}),
// a side the kind does not allow refused as 422 with nothing written, and the page offering each row
// only the sides its kind allows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/model/proposal.js';
import { type SeededServe, seededServe, TOKEN } from '../browser/harness.js';
import { postForm, raw } from './server-http.js';
import { announcedFinding, soraFinding, time } from './store-findings.js';

let served: SeededServe;
const add = soraFinding('sora');
const update = announcedFinding('sora');
const upstream = soraFinding('sora', {
  field: 'website',
  kind: 'upstream',
  local: 'https://openai.com/sora',
  remote: null,
});
const [addId, updateId, upstreamId] = [add, update, upstream].map(fingerprint) as [string, string, string];

const post = (body: unknown) =>
  raw(served.url, {
    method: 'POST',
    path: '/proposals/review',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  served = await seededServe('decide');
  await served.store.reconcile('sora', [add, update, upstream], { runId: 'r1', time: time(1) });
});
afterAll(async () => served?.close());

describe('POST /proposals/review', () => {
  it('refuses a side a kind does not allow with 422, naming it, and writes nothing', async () => {
    const response = await post({ ids: [addId, upstreamId], side: 'card' });
    expect(response.status).toBe(422);
    const body = JSON.parse(response.body) as { error: string; refused: { id: string }[] };
    expect(body.error).toBe(
      `${upstreamId}: a upstream proposal cannot be decided "card"; allowed: wikidata, none`,
    );
    expect(body.refused.map((r) => r.id)).toEqual([upstreamId]);
    expect((await served.store.get([addId, upstreamId])).map((p) => p.status)).toEqual(['open', 'open']);
  });

  it('decides by side with a note, answers what changed, and keeps the old words as aliases', async () => {
    const bySide = await post({ ids: [addId, 'ffffffffffff'], side: 'wikidata', note: 'Sora 2 is an app' });
    expect(bySide.status).toBe(200);
    expect(JSON.parse(bySide.body)).toEqual({ side: 'wikidata', changed: [addId], missed: ['ffffffffffff'] });
    expect((await served.store.get([addId]))[0]).toMatchObject({
      status: 'decided',
      side: 'wikidata',
      note: 'Sora 2 is an app',
    });

    const accepted = await post({ ids: [upstreamId], decision: 'accepted' });
    expect(JSON.parse(accepted.body)).toEqual({ decision: 'accepted', changed: [upstreamId], missed: [] });
    expect((await served.store.get([upstreamId]))[0]).toMatchObject({ status: 'decided', side: 'wikidata' });
    await post({ ids: [upstreamId], decision: 'rejected', note: 'the card is right' });
    expect((await served.store.get([upstreamId]))[0]).toMatchObject({
      side: 'none',
      note: 'the card is right',
    });
  });

  it('snoozes with until alone, and refuses bad input with 400 naming the key', async () => {
    const snoozed = await post({ ids: [updateId], until: '2999-01-01' });
    expect(JSON.parse(snoozed.body)).toEqual({ until: '2999-01-01', changed: [updateId], missed: [] });
    expect((await served.store.get([updateId]))[0]).toMatchObject({
      status: 'snoozed',
      snoozedUntil: '2999-01-01',
    });

    const cases: [unknown, string][] = [
      [{ ids: [updateId], side: 'sideways' }, 'side: expected one of card, wikidata, both, none'],
      [
        { ids: [updateId], side: 'card', until: '2999-01-01' },
        'until snoozes the proposals: give it without side',
      ],
      [{ ids: [updateId], until: '2999-02-30' }, 'until: expected a date as YYYY-MM-DD, got "2999-02-30"'],
    ];
    for (const [body, error] of cases) {
      const response = await post(body);
      expect({ status: response.status, error: JSON.parse(response.body).error }).toEqual({
        status: 400,
        error: expect.stringContaining(error),
      });
    }
  });
});

describe('the review page', () => {
  it("offers each row only its kind's sides, and a row's button decides it", async () => {
    const page = await raw(served.url, { path: '/proposals?status=all' });
    expect(page.status).toBe(200);
    const buttons = (id: string) =>
      [...page.body.matchAll(new RegExp(`value="([a-z]+):${id}"`, 'g'))].map((m) => m[1]);
    // The add is decided "wikidata": that button is left out; the upstream is decided "none".
    expect(buttons(addId)).toEqual(['card', 'both', 'none', 'snooze']);
    expect(buttons(upstreamId)).toEqual(['wikidata', 'snooze']);
    expect(page.body).toContain('decided: wikidata');
    expect(page.body).toContain('snoozed until 2999-01-01');

    const form = await postForm(
      served.url,
      '/proposals/review',
      `act=card%3A${addId}&back=${encodeURIComponent('/proposals?kind=add')}`,
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/proposals?kind=add&reviewed=1&decision=card');
    const back = await raw(served.url, { path: String(form.headers.location) });
    expect(back.body).toContain('1 proposal decided: card.');
    expect((await served.store.get([addId]))[0]).toMatchObject({ status: 'decided', side: 'card' });
  });

  it('sends a snooze without a date back to the page, asking for one', async () => {
    const form = await postForm(
      served.url,
      '/proposals/review',
      `act=snooze%3A${updateId}&until=&back=${encodeURIComponent('/proposals?kind=update')}`,
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/proposals?kind=update&decision=snooze&until=missing');
    const back = await raw(served.url, { path: String(form.headers.location) });
    expect(back.body).toContain('Choose a date in the bar first');
  });
});
