// `GET /entities/<key>` over a generated JSONL store of 50,000 lines, on real HTTP: unknown keys must
// not each scan the store. The local store the server is given counts its full reads (records()), so
// the test sees scans, not time: 20 parallel requests for unknown keys read the store once (one index
// build), later lookups read none, and a change of the file (its size and mtime) reads it once more.
// Then the key index over a folder of cards in sub-folders, directly.

import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { connectRedis } from '../../src/jobs/runtime.js';
import { type LocalSource, openLocalSource } from '../../src/local/read/index.js';
import { LocalKeyIndex } from '../../src/local/read/key-index.js';
import { createLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { openStore } from '../../src/sinks/open-store.js';
import type { ProposalStore } from '../../src/sinks/store.js';
import { testConfig } from '../support/config.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../support/redis.js';
import { ROOT } from '../support/spawn.js';
import { raw } from './server-http.js';

const LINES = 50_000;

const line = (i: number) =>
  `${JSON.stringify({ key: `gen-${i}`, qid: `Q${700_000 + i}`, label: `Generated ${i}`, facts: {} })}\n`;

let dir: string;
let file: string;
let config: Config;
let store: ProposalStore;
let redis: Redis;
let server: RunningServer;
let prefix: string;
/** Full reads of the local store, and records they yielded. */
const reads = { scans: 0, records: 0 };

/** The local store, its full reads counted. */
function counted(source: LocalSource): LocalSource {
  return {
    kind: source.kind,
    path: source.path,
    batch: (ref) => source.batch(ref),
    records: async function* () {
      reads.scans++;
      for await (const result of source.records()) {
        reads.records++;
        yield result;
      }
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'factsync-entities-'));
  file = path.join(dir, 'entities.jsonl');
  const chunks: string[] = [];
  for (let i = 0; i < LINES; i++) chunks.push(line(i));
  writeFileSync(file, chunks.join(''));
  prefix = testPrefix('entities');
  config = testConfig({
    'redis.url': REDIS_URL,
    'redis.prefix': prefix,
    'store.path': path.join(dir, 'factsync.db'),
    'reports.dir': path.join(dir, 'reports'),
    'local.kind': 'jsonl',
    'local.path': file,
  });
  store = await openStore(config);
  redis = connectRedis(REDIS_URL);
  const local = counted(await openLocalSource(config));
  server = await startServer(
    { config, log: createLogger('error'), store, redis, local },
    { port: 0, host: '127.0.0.1' },
  );
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  if (redis) {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  }
  rmSync(dir, { recursive: true, force: true });
});

const page = (key: string) => raw(server.url, { path: `/entities/${encodeURIComponent(key)}` });

describe('entity pages over a 50,000-line JSONL store', () => {
  it('20 parallel unknown keys: 404 each, one read of the store between them', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => page(`no-such-entity-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(404));
    expect(answers[0]?.body).toContain('No such entity');
    expect(reads).toEqual({ scans: 1, records: LINES });
  });

  it('known keys and QIDs, anywhere in the file, from the index: no further read', async () => {
    for (const [key, label] of [
      ['gen-0', 'Generated 0'],
      ['gen-49999', 'Generated 49999'],
      ['Q725000', 'Generated 25000'],
    ] as const) {
      const response = await page(key);
      expect({ key, status: response.status }).toEqual({ key, status: 200 });
      expect(response.body).toContain(label);
    }
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => page(`still-unknown-${i}`)));
    expect(again.every((a) => a.status === 404)).toBe(true);
    expect(reads.scans).toBe(1);
  });

  it('a changed store is read again, once, and its new record is found', async () => {
    appendFileSync(file, line(LINES));
    const answers = await Promise.all([page(`gen-${LINES}`), page('unknown-after-change'), page('gen-7')]);
    expect(answers.map((a) => a.status)).toEqual([200, 404, 200]);
    expect(answers[0]?.body).toContain(`Generated ${LINES}`);
    expect(reads.scans).toBe(2);
  });
});

describe('the key index over cards in sub-folders', () => {
  let cards: string;
  let source: LocalSource;
  beforeAll(async () => {
    cards = path.join(dir, 'cards');
    mkdirSync(path.join(cards, 'nested'), { recursive: true });
    for (const name of ['sora', 'chatgpt', 'gpt-4'])
      cpSync(path.join(ROOT, 'examples', 'cards', `${name}.md`), path.join(cards, 'nested', `${name}.md`));
    source = counted(
      await openLocalSource({ ...config, local: { ...config.local, kind: 'cards', path: cards } }),
    );
  });

  it('finds keys and QIDs with one read, sees a new folder, and an edited card once its age is up', async () => {
    const startScans = reads.scans;
    const index = new LocalKeyIndex(source, { cardsCheckEveryMs: 0, cardsMaxAgeMs: 60_000 });
    const found = await Promise.all(
      ['sora', 'Q115564437', 'nothing-1', 'nothing-2'].map((k) => index.find(k)),
    );
    expect(found.map((r) => (r?.ok ? r.record.key : undefined))).toEqual([
      'sora',
      'chatgpt',
      undefined,
      undefined,
    ]);
    expect(reads.scans - startScans).toBe(1);

    mkdirSync(path.join(cards, 'nested', 'deeper'));
    cpSync(path.join(cards, 'nested', 'sora.md'), path.join(cards, 'nested', 'deeper', 'sora-copy.md'));
    expect((await index.find('sora-copy'))?.ok).toBe(true);
    expect(reads.scans - startScans).toBe(2);

    // A QID changed in place touches no folder: a miss on an index older than cardsMaxAgeMs reads again.
    const aged = new LocalKeyIndex(source, { cardsCheckEveryMs: 0, cardsMaxAgeMs: 0 });
    expect((await aged.find('gpt-4'))?.ok).toBe(true);
    const file = path.join(cards, 'nested', 'gpt-4.md');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('Q116709136', 'Q999999978'));
    const hit = await aged.find('Q999999978');
    expect(hit?.ok && hit.record.key).toBe('gpt-4');
  });
});
