// Redis memory of the two per-entity families — the change index and the label cache — at a given
// entity count, measured (not extrapolated) in a private redis-server: each layout written alone into
// an empty server, then INFO used_memory and the keys' MEMORY USAGE. The old layout (two SETs, a STRING
// key per label) is written the way versions before wrote it; the new one through the code itself
// (ChangeIndex.remember, redisLabelCache.put). The data is invented, shaped like bench:sync's: one QID
// an entity, a page for 92 % of them (titles of 4–40 characters), 1.017 referenced items an entity
// with the fake's labels (~70 bytes of JSON).
//
// Usage: node --import tsx bench/redis-layout-size.ts [--entities 1000000] [--only index|labels]

import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { ChangeIndex } from '../src/jobs/change-index.js';
import type { ItemId } from '../src/model/ids.js';
import type { ItemLabels } from '../src/model/remote.js';
import { labelKeys, storeKeys } from '../src/redis-keys.js';
import { redisLabelCache } from '../src/sources/label-cache.js';
import { connectRedis } from '../test/support/redis.js';
import { startRedisServer, stopRedisServers } from '../test/support/redis-server.js';
import { redisBreakdown, renderBreakdown } from './redis-breakdown.js';

const PREFIX = 'factsync-1a2b3c4d';
const SITE = 'https://www.wikidata.org';
const CHUNK = 1_000;
const WEEK_S = 604_800;
const MIB = 1024 * 1024;

/** A deterministic pseudo-random stream (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function entities(count: number) {
  const next = random(7);
  const words = ['Norara', 'Wynly', 'Nexatis', 'river', 'Saint', 'of the', 'County', 'Museum', 'Abbey', 'FC'];
  const title = () => {
    const length = 4 + Math.floor(next() * 37);
    let text = '';
    while (text.length < length) text += `${words[Math.floor(next() * words.length)]} `;
    return text.slice(0, length).trim() || 'X';
  };
  return Array.from({ length: count }, (_, i) => ({
    // Spread over Wikidata's range of item numbers, distinct.
    qid: `Q${1 + i * 130 + Math.floor(next() * 130)}`,
    page: next() < 0.92 ? { lang: 'en', title: `${title()} ${i}` } : undefined,
  }));
}

function labelsOf(count: number): Array<[ItemId, ItemLabels]> {
  return Array.from({ length: Math.round(count * 1.017) }, (_, i) => {
    const id = `Q${1_000_000 + i * 97}` as ItemId;
    const name = `Norara ${i}`;
    const aliases: Record<string, string[]> = i % 3 === 0 ? {} : { en: ['Norara', `${name} Pro`] };
    return [id, { id, labels: { en: name }, aliases }];
  });
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

async function measure(redis: Redis, name: string, count: number, fill: () => Promise<void>): Promise<void> {
  await redis.flushall();
  const before = await usedMemory(redis);
  await fill();
  const used = (await usedMemory(redis)) - before;
  process.stdout.write(
    `\n### ${name}\nused_memory +${(used / MIB).toFixed(1)} MiB (${(used / count).toFixed(1)} bytes/entity)\n\n` +
      `${renderBreakdown(await redisBreakdown(redis, PREFIX), count)}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { entities: { type: 'string', default: '1000000' }, only: { type: 'string' } },
  });
  const index = values.only !== 'labels';
  const cache = values.only !== 'index';
  const count = Number(values.entities);
  const server = await startRedisServer();
  const redis = connectRedis(server.url);
  // Redis's own default (this machine's redis-server says 512): what managed Redis services keep.
  await redis.config('SET', 'hash-max-listpack-entries', '128');
  const config = await redis.config('GET', 'hash-max-listpack-*');
  process.stdout.write(`${count} entities; redis-server ${server.url}, ${JSON.stringify(config)}\n`);
  const data = entities(count);
  const labels = labelsOf(count);
  try {
    const keys = storeKeys(PREFIX).changes;
    if (index)
      await measure(redis, 'change index, before: two SETs', count, async () => {
        for (let i = 0; i < data.length; i += CHUNK) {
          const chunk = data.slice(i, i + CHUNK);
          const pages = chunk.flatMap((e) => (e.page ? [`${e.page.lang}:${e.page.title}`] : []));
          await redis
            .multi()
            .sadd(keys.qids, ...chunk.map((e) => e.qid))
            .sadd(keys.pages, ...pages)
            .exec();
        }
      });
    if (index)
      await measure(redis, 'change index, after: bucketed hashes (ChangeIndex.remember)', count, async () => {
        const changes = new ChangeIndex(redis, PREFIX);
        for (let i = 0; i < data.length; i += CHUNK) {
          const chunk = data.slice(i, i + CHUNK);
          await changes.remember(
            chunk.map((e) => e.qid),
            chunk.flatMap((e) => (e.page ? [e.page] : [])),
          );
        }
      });
    const legacyKey = labelKeys(PREFIX, SITE);
    if (cache)
      await measure(redis, 'label cache, before: a STRING key an item (v2)', count, async () => {
        for (let i = 0; i < labels.length; i += CHUNK) {
          const pipeline = redis.pipeline();
          for (const [id, value] of labels.slice(i, i + CHUNK))
            pipeline.set(legacyKey(id), JSON.stringify(value), 'EX', WEEK_S);
          await pipeline.exec();
        }
      });
    if (cache)
      await measure(redis, 'label cache, after: hashes per generation (v3)', count, async () => {
        const labelCache = redisLabelCache(redis, PREFIX, WEEK_S, SITE);
        for (let i = 0; i < labels.length; i += CHUNK) await labelCache.put(labels.slice(i, i + CHUNK));
      });
  } finally {
    redis.disconnect();
    await stopRedisServers();
  }
}

await main();
