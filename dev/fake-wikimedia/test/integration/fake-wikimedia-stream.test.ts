// The fake EventStreams recentchange stream over real HTTP on loopback: the changes the store records
// come out as mediawiki/recentchange events in the captured shape (test/fixtures/wikimedia-captures/
// eventstreams/), the same revisions and rcids list=recentchanges shows, resumable with Last-Event-ID
// and ?since=, with the stream fault knobs (refuse with 503, drop after N events).

import { createParser } from 'eventsource-parser';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWikimedia, generatedEntity, startFakeWikimedia } from '../../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary event JSON.
type Json = any;

interface Read {
  readonly status: number;
  readonly events: Array<{ id: string; data: Json }>;
  /** The server ended or broke the response before `count` events. */
  readonly ended: boolean;
}

/** Reads up to `count` events (or for `waitMs` at most), then hangs up. */
async function readStream(
  url: string,
  { count, lastEventId, waitMs = 3_000 }: { count: number; lastEventId?: string; waitMs?: number },
): Promise<Read> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  const events: Read['events'] = [];
  const response = await request(url, {
    signal: controller.signal,
    headers: { 'user-agent': 'factsync-test/1.0', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });
  const parser = createParser({
    onEvent: (event) => events.push({ id: event.id ?? '', data: JSON.parse(event.data) }),
  });
  let ended = true;
  try {
    for await (const chunk of response.body) {
      parser.feed(Buffer.from(chunk).toString('utf8'));
      if (events.length >= count) {
        ended = false;
        break;
      }
    }
  } catch {
    // Aborted by us (waited long enough), or the connection broke (the drop fault).
    ended = !controller.signal.aborted;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: response.statusCode, events: events.slice(0, count), ended };
}

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('the fake EventStreams recentchange stream', () => {
  let fake: FakeWikimedia;
  const qid = (i: number) => generatedEntity(fake.seed, i, { count: 5 }).id;
  beforeAll(async () => {
    fake = await startFakeWikimedia({
      clock: () => NOW,
      entities: 5,
      recentChangesPerDay: 0,
      wikipediaChangesPerDay: 0,
      fixturesDir: null,
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('serves an edit, a merge and a deletion as the captured events, matching list=recentchanges', async () => {
    const edited = fake.store.bumpRevision(qid(0));
    fake.store.mergeItem(qid(1), qid(2));
    fake.store.deleteItem(qid(3));
    const read = await readStream(`${fake.streamUrl}?since=${NOW - 60_000}`, { count: 4 });
    expect(read.status).toBe(200);
    const [edit, mergeFrom, mergeTo, deletion] = read.events.map((e) => e.data);
    expect(edit).toMatchObject({
      $schema: '/mediawiki/recentchange/1.0.0',
      meta: { stream: 'mediawiki.recentchange', topic: 'eqiad.mediawiki.recentchange', partition: 0 },
      type: 'edit',
      namespace: 0,
      title: qid(0),
      revision: { new: edited },
      server_name: 'www.wikidata.org',
      wiki: 'wikidatawiki',
      timestamp: NOW / 1000,
    });
    expect(mergeFrom).toMatchObject({ title: qid(2), comment: `/* wbmergeitems-from:0||${qid(1)} */` });
    expect(mergeTo).toMatchObject({ title: qid(1), comment: `/* wbmergeitems-to:0||${qid(2)} */` });
    expect(deletion).toMatchObject({ type: 'log', log_type: 'delete', log_params: [], title: qid(3) });
    expect(deletion.revision).toBeUndefined();
    // Kafka offsets are consecutive; the SSE id is the position after the event (captured: ms + 1).
    expect(read.events.map((e) => e.data.meta.offset)).toEqual([0, 1, 2, 3]);
    for (const { id, data } of read.events)
      expect(JSON.parse(id)).toEqual([
        { topic: 'eqiad.mediawiki.recentchange', partition: 0, timestamp: Date.parse(data.meta.dt) + 1 },
        { topic: 'codfw.mediawiki.recentchange', partition: 0, offset: -1 },
      ]);

    const feed = await request(
      `${fake.url}/w/api.php?action=query&list=recentchanges&rcprop=title|ids&rcdir=newer&rclimit=10&format=json&formatversion=2`,
    );
    const rows: Json[] = ((await feed.body.json()) as Json).query.recentchanges;
    expect(read.events.map((e) => e.data.id)).toEqual(rows.map((row) => row.rcid));
  });

  it('resumes right after the event a Last-Event-ID names, and from ?since= as a time', async () => {
    const all = await readStream(`${fake.streamUrl}?since=0`, { count: 4 });
    const resumed = await readStream(fake.streamUrl, { count: 3, lastEventId: all.events[0]?.id as string });
    expect(resumed.events.map((e) => e.data.meta.offset)).toEqual([1, 2, 3]);
    const bySince = await readStream(`${fake.streamUrl}?since=${new Date(NOW + 2).toISOString()}`, {
      count: 2,
    });
    expect(bySince.events.map((e) => e.data.meta.offset)).toEqual([2, 3]);
  });

  it('without a position it serves what happens from now on, a Wikipedia edit too', async () => {
    const reading = readStream(fake.streamUrl, { count: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const title = generatedEntity(fake.seed, 4, { count: 5 }).sitelinks?.enwiki?.title as string;
    const page = fake.store.editPage('en', title);
    const read = await reading;
    expect(read.events[0]?.data).toMatchObject({
      type: 'edit',
      title,
      revision: { new: page.lastrevid },
      server_name: 'en.wikipedia.org',
      wiki: 'enwiki',
    });
  });

  it('refuses with 503 and drops after N events when the faults say so; a bad Last-Event-ID is a 400', async () => {
    fake.setFaults({ streamErrorRate: 1 });
    expect((await readStream(`${fake.streamUrl}?since=0`, { count: 1 })).status).toBe(503);
    fake.setFaults('streamDrop=2');
    const dropped = await readStream(`${fake.streamUrl}?since=0`, { count: 5 });
    expect(dropped.events).toHaveLength(2);
    expect(dropped.ended).toBe(true);
    fake.setFaults({});
    expect((await readStream(fake.streamUrl, { count: 1, lastEventId: 'not json' })).status).toBe(400);
  });

  it('counts the connections it served and the events it sent in /__stats, apart from API requests', async () => {
    fake.resetStats();
    fake.setFaults({ streamErrorRate: 1 });
    await readStream(`${fake.streamUrl}?since=0`, { count: 1 });
    fake.setFaults({});
    const first = await readStream(`${fake.streamUrl}?since=0`, { count: 3 });
    const second = await readStream(`${fake.streamUrl}?since=0`, { count: 2 });
    const served = (await (await fetch(`${fake.url}/__stats`)).json()) as Json;
    expect(served.stream.connections).toBe(2);
    expect(served.stream.events).toBeGreaterThanOrEqual(first.events.length + second.events.length);
    expect(served.stream.bytes).toBeGreaterThan(0);
    expect(served.requests).toBe(0);
  });
});
