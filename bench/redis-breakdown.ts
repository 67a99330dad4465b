// Where Redis's memory goes, by key family: every key under the install's prefix (SCAN), named by its
// pattern in src/redis-keys.ts (a run id, a job id, a QID or a bucket number replaced by `*`), with
// MEMORY USAGE summed over the family (every key of a small family, a sample of a large one, scaled up).
// Used by bench/sync.ts after each night; runnable alone against any Redis:
//   node --import tsx bench/redis-breakdown.ts --redis-url redis://127.0.0.1:6379 --prefix factsync-1234abcd

import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';

/** Keys measured per family at most; a larger family is sampled evenly and scaled. */
const SAMPLE = 2_000;
const SCAN_COUNT = 1_000;

export interface FamilyUsage {
  readonly family: string;
  readonly keys: number;
  /** MEMORY USAGE summed (estimated from the sample when the family has more than SAMPLE keys). */
  readonly bytes: number;
  /** The encodings seen in the sample, with how many keys had each. */
  readonly encodings: Record<string, number>;
  /** Elements (HLEN, SCARD, ZCARD, LLEN, XLEN) summed over the sample, scaled like bytes. */
  readonly elements: number;
}

/** A key's family: the prefix and every id (run, job, QID, bucket, host) replaced by a placeholder. */
export function familyOf(key: string, prefix: string): string {
  const rest = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : key;
  const family = rest
    // One run's keys (runKeys): run:<runId>:<name>.
    .replace(/^run:[^:]+:/, 'run:*:')
    // BullMQ's job keys: <queue>:<kind>-<runId>[-<index>][:logs|:dependencies|…].
    .replace(/^([a-z]+):(batch|plan|finalise|repeat)-[^:]+/, '$1:$2-*')
    .replace(/^([a-z]+):[0-9]+(?=$|:)/, '$1:<numeric job id>')
    .replace(/^labels:v2:.*:[QPL][0-9]+$/, 'labels:v2:*:<id>')
    .replace(/^refresh:.*$/, 'refresh:*')
    .replace(/^worker-heartbeat:.*$/, 'worker-heartbeat:*')
    // Bucketed keys: a trailing number after a colon.
    .replace(/:[0-9a-z]{1,6}$/, (tail) => (/[0-9]/.test(tail) ? ':<bucket>' : tail));
  return key.startsWith(`${prefix}:`) ? `${family}` : `(other) ${family}`;
}

async function scanAll(redis: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

const LENGTH: Record<string, string> = {
  hash: 'hlen',
  set: 'scard',
  zset: 'zcard',
  list: 'llen',
  stream: 'xlen',
};

async function measure(redis: Redis, keys: readonly string[]) {
  const pipeline = redis.pipeline();
  for (const key of keys) {
    pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    pipeline.object('ENCODING', key);
    pipeline.type(key);
  }
  const answers = (await pipeline.exec()) ?? [];
  const lengths = redis.pipeline();
  const types: string[] = [];
  let bytes = 0;
  const encodings: Record<string, number> = {};
  for (let i = 0; i < keys.length; i++) {
    bytes += Number(answers[3 * i]?.[1] ?? 0);
    const encoding = String(answers[3 * i + 1]?.[1] ?? 'gone');
    encodings[encoding] = (encodings[encoding] ?? 0) + 1;
    const type = String(answers[3 * i + 2]?.[1] ?? 'none');
    types.push(type);
    const command = LENGTH[type];
    if (command) lengths.call(command, keys[i] as string);
  }
  const counted = ((await lengths.exec()) ?? []).reduce((n, [, value]) => n + Number(value ?? 0), 0);
  return { bytes, encodings, elements: counted };
}

/** MEMORY USAGE by family of every key under `prefix` (and of any other key, marked as such). */
export async function redisBreakdown(redis: Redis, prefix: string): Promise<FamilyUsage[]> {
  const byFamily = new Map<string, string[]>();
  for (const key of await scanAll(redis, '*')) {
    const family = familyOf(key, prefix);
    const list = byFamily.get(family) ?? [];
    list.push(key);
    byFamily.set(family, list);
  }
  const usage: FamilyUsage[] = [];
  for (const [family, keys] of byFamily) {
    const step = Math.max(1, Math.ceil(keys.length / SAMPLE));
    const sample = keys.filter((_, i) => i % step === 0);
    const measured = await measure(redis, sample);
    const scale = keys.length / sample.length;
    usage.push({
      family,
      keys: keys.length,
      bytes: Math.round(measured.bytes * scale),
      encodings: measured.encodings,
      elements: Math.round(measured.elements * scale),
    });
  }
  return usage.sort((a, b) => b.bytes - a.bytes);
}

const MIB = 1024 * 1024;

/** The breakdown as a table; bytes per entity when `entities` is given. */
export function renderBreakdown(usage: readonly FamilyUsage[], entities?: number): string {
  const total = usage.reduce((n, u) => n + u.bytes, 0);
  const lines = [
    `| family | keys | elements | MEMORY USAGE (MiB) | bytes/entity | encodings |`,
    `|---|---:|---:|---:|---:|---|`,
  ];
  for (const u of usage)
    lines.push(
      `| ${u.family} | ${u.keys} | ${u.elements} | ${(u.bytes / MIB).toFixed(2)} | ${entities ? (u.bytes / entities).toFixed(1) : ''} | ${Object.entries(
        u.encodings,
      )
        .map(([e, n]) => `${e}×${n}`)
        .join(' ')} |`,
    );
  lines.push(
    `| **all keys** | ${usage.reduce((n, u) => n + u.keys, 0)} | | ${(total / MIB).toFixed(2)} | ${entities ? (total / entities).toFixed(1) : ''} | |`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      prefix: { type: 'string' },
      entities: { type: 'string' },
    },
  });
  if (!values.prefix) throw new Error('--prefix is required');
  const redis = new Redis(values['redis-url'] as string);
  try {
    const usage = await redisBreakdown(redis, values.prefix);
    process.stdout.write(
      `${renderBreakdown(usage, values.entities ? Number(values.entities) : undefined)}\n`,
    );
  } finally {
    redis.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
