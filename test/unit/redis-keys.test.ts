// Every Redis key, queue, job id and TTL factsync uses, pinned as the strings a user's Redis holds: a
// key renamed by accident would leave a store's state, claims and schedule behind, unread. A key added
// to redis-keys.ts without being pinned here fails too (the objects are compared whole).

import { describe, expect, it } from 'vitest';
import {
  BATCH_QUEUE,
  bucketOf,
  durableIndexKeys,
  GATE_KEY_NAMES,
  gateKey,
  gateKeys,
  INDEX_BUCKETS,
  jobIds,
  LABEL_BUCKETS,
  labelBucketKeys,
  labelKeys,
  RUN_QUEUE,
  runKeys,
  storeKeys,
  TTL,
} from '../../src/redis-keys.js';

const prefix = 'factsync-1a2b3c4d';
const runId = '2026-11-25T03-00-00Z-1a2b';

describe('the Redis keys of a store', () => {
  it('are the strings earlier versions wrote', () => {
    const { changes, refreshClaim, heartbeat, indexBucket, ...plain } = storeKeys(prefix);
    expect(plain).toEqual({
      state: 'factsync-1a2b3c4d:state',
      scheduleOverride: 'factsync-1a2b3c4d:schedule:override',
    });
    expect(changes).toEqual({
      qids: 'factsync-1a2b3c4d:index:qids',
      pages: 'factsync-1a2b3c4d:index:pages',
      langs: 'factsync-1a2b3c4d:index:langs',
      itemHits: 'factsync-1a2b3c4d:feed:hits:items',
      pageHits: 'factsync-1a2b3c4d:feed:hits:pages',
      cursors: 'factsync-1a2b3c4d:feed:cursors',
      meta: 'factsync-1a2b3c4d:sync:meta',
      runs: 'factsync-1a2b3c4d:sync:runs',
    });
    expect(refreshClaim('gen-6')).toBe('factsync-1a2b3c4d:refresh:gen-6');
    expect(heartbeat('worker-1')).toBe('factsync-1a2b3c4d:worker-heartbeat:worker-1');
    expect(indexBucket(0)).toBe('factsync-1a2b3c4d:index:b:0');
    expect(indexBucket(INDEX_BUCKETS - 1)).toBe('factsync-1a2b3c4d:index:b:65535');
  });

  it('mark whether Redis still holds the change index since the planner last looked', () => {
    expect(durableIndexKeys(prefix)).toEqual({ epoch: 'factsync-1a2b3c4d:feed:epoch' });
  });

  it('keep the one-prefix state key older versions used, for the legacy-state check', () => {
    expect(storeKeys('factsync').state).toBe('factsync:state');
  });
});

describe("a run's Redis keys", () => {
  it('are the strings earlier versions wrote', () => {
    expect(runKeys(prefix, runId)).toEqual({
      claims: 'factsync-1a2b3c4d:run:2026-11-25T03-00-00Z-1a2b:keys',
      quota: 'factsync-1a2b3c4d:run:2026-11-25T03-00-00Z-1a2b:quota',
      unreadable: 'factsync-1a2b3c4d:run:2026-11-25T03-00-00Z-1a2b:unreadable',
      unreachable: 'factsync-1a2b3c4d:run:2026-11-25T03-00-00Z-1a2b:unreachable',
      retried: 'factsync-1a2b3c4d:run:2026-11-25T03-00-00Z-1a2b:retried',
      progress: 'factsync-1a2b3c4d:run:2026-11-25T03-00-00Z-1a2b:progress',
    });
  });
});

describe('BullMQ names', () => {
  it('are the queues and job ids earlier versions used', () => {
    expect([RUN_QUEUE, BATCH_QUEUE]).toEqual(['runs', 'batches']);
    expect(jobIds.finalise(runId)).toBe('finalise-2026-11-25T03-00-00Z-1a2b');
    expect(jobIds.plan(runId)).toBe('plan-2026-11-25T03-00-00Z-1a2b');
    expect(jobIds.batch(runId, 12)).toBe('batch-2026-11-25T03-00-00Z-1a2b-12');
    expect(jobIds.nightly).toBe('nightly');
  });
});

describe('the keys every store on a Redis shares', () => {
  it("are the HTTP gate's, in the order its scripts take them", () => {
    expect(gateKeys('factsync')).toEqual([
      'factsync:http:slots',
      'factsync:http:bucket',
      'factsync:http:paused',
      'factsync:http:hour',
      'factsync:http:minute',
      'factsync:http:spent',
      'factsync:http:pace',
      'factsync:http:server',
      'factsync:http:urgent',
    ]);
    expect(GATE_KEY_NAMES.map((name) => gateKey('factsync', name))).toEqual(gateKeys('factsync'));
  });

  it("and the label cache's, one site apart from another", () => {
    expect(labelKeys('factsync', 'https://www.wikidata.org')('Q42')).toBe(
      'factsync:labels:v2:www.wikidata.org:Q42',
    );
    expect(labelKeys('factsync', 'http://127.0.0.1:8181/wikidata/')('Q42')).toBe(
      'factsync:labels:v2:127.0.0.1:8181/wikidata:Q42',
    );
    expect(labelKeys('factsync', 'https://Wikibase.Example.org/w')('Q1')).toBe(
      'factsync:labels:v2:wikibase.example.org/w:Q1',
    );
    expect(labelBucketKeys('factsync', 'https://www.wikidata.org')(11_234, 17)).toBe(
      'factsync:labels:v3:www.wikidata.org:11234:17',
    );
    expect(labelBucketKeys('factsync', 'http://127.0.0.1:8181/wikidata/')(1, LABEL_BUCKETS - 1)).toBe(
      'factsync:labels:v3:127.0.0.1:8181/wikidata:1:1023',
    );
  });
});

describe('the buckets names fall in', () => {
  it('are the ones every process and version computes', () => {
    expect(INDEX_BUCKETS).toBe(65_536);
    expect(LABEL_BUCKETS).toBe(1_024);
    // FNV-1a: the empty name is its offset basis, 0x811c9dc5.
    expect(['42', 'en:Douglas Adams', 'de:Ü', ''].map((name) => bucketOf(name, INDEX_BUCKETS))).toEqual([
      34_179, 45_111, 41_980, 0x9dc5,
    ]);
  });
});

describe('how long keys live', () => {
  it('is what earlier versions set', () => {
    expect(TTL).toEqual({
      run: 604_800,
      refreshClaim: 3_600,
      heartbeatMs: 30_000,
      completedJobs: 604_800,
      completedRuns: 86_400,
      failedJobs: 2_592_000,
    });
  });
});
