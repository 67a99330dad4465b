// An event of a watched wiki that cannot be believed (here: a Wikidata edit without its revision, in
// an otherwise captured shape) is skipped, never made a hit; the watcher moves past it and starts its
// covered span again after it, so the planner polls the feed around it. Served by a small SSE server on
// loopback that answers with three captured-shape events and ends.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { ChangeIndex } from '../../src/jobs/change-index.js';
import { startWatch } from '../../src/jobs/watch.js';
import { EventStreamsSource } from '../../src/sources/eventstreams.js';
import { connectRedis, dropPrefix, testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const redis = connectRedis();
const prefix = testPrefix('watch-invalid');
const capture = JSON.parse(
  readFileSync(
    new URL('../fixtures/wikimedia-captures/eventstreams/wikidata_edit_Q125624736.json', import.meta.url),
    'utf8',
  ),
);
const NOW = Date.now();
/** The captured edit, moved to `title` and `ms`. */
const edit = (title: string, ms: number, revision: unknown) => ({
  ...capture,
  title,
  meta: { ...capture.meta, dt: new Date(ms).toISOString() },
  timestamp: Math.floor(ms / 1000),
  revision,
});
const events = [
  edit('Q1', NOW + 1_000, { old: 10, new: 11 }),
  edit('Q2', NOW + 2_000, undefined),
  edit('Q3', NOW + 3_000, { old: 30, new: 31 }),
];
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(':ok\n\n');
  events.forEach((event, i) => {
    const id = JSON.stringify([{ topic: 'eqiad.mediawiki.recentchange', partition: 0, timestamp: NOW + i }]);
    res.write(`event: message\nid: ${id}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  // Then nothing more: the connection stays open until the watcher stops.
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

it('skips an unbelievable event of a watched wiki and starts its covered span again after it', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const changes = new ChangeIndex(redis, prefix);
  await changes.remember(['Q1', 'Q2', 'Q3'], []);
  const watcher = startWatch({
    redis,
    prefix,
    changes,
    source: new EventStreamsSource(
      `http://127.0.0.1:${port}/v2/stream/recentchange`,
      'factsync-test/1.0',
      5_000,
    ),
    log: pino({ level: 'silent' }),
    settings: { leaseMs: 5_000, retentionMs: 7 * 86_400_000, backoffBaseMs: 10, backoffMaxMs: 50 },
    clock: () => NOW,
  });
  try {
    await waitFor('three events', () => watcher.stats.events >= 3);
    expect(watcher.stats).toMatchObject({ changes: 2, invalid: 1 });
    const hits = await changes.hits(['Q1', 'Q2', 'Q3'], []);
    expect(Object.fromEntries(hits.items)).toEqual({ Q1: 11, Q3: 31 });
    // The span began at the first event read after the bad one, not at the watcher's start.
    await waitFor('the span', async () => (await changes.streamCoverage()).wikidata?.from === NOW + 3_000);
  } finally {
    await watcher.stop();
  }
});
