// How redis.url reaches a Redis Cluster: the node it is first asked at and the credentials every node
// takes (plain data; test/integration/redis-cluster.test.ts connects to a real cluster).

import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { clusterSeed, openRedis, RedisClusterUrlError } from '../../src/jobs/redis-connection.js';

describe('a Redis Cluster reached by redis.url', () => {
  it("is first asked at the URL's node, with its user and password for every node", () => {
    expect(clusterSeed('redis://app:s%40cret@10.0.0.7:7001')).toEqual({
      host: '10.0.0.7',
      port: 7001,
      auth: { username: 'app', password: 's@cret' },
    });
    expect(clusterSeed('redis://:pw@cache.internal')).toEqual({
      host: 'cache.internal',
      port: 6379,
      auth: { password: 'pw' },
    });
    expect(clusterSeed('rediss://cache.example.com:6380/0').auth).toEqual({ tls: {} });
  });

  it('refuses a database other than 0, which a cluster does not have, saying what to do', () => {
    expect(() => clusterSeed('redis://127.0.0.1:7000/2')).toThrow(RedisClusterUrlError);
    expect(() => clusterSeed('redis://127.0.0.1:7000/2')).toThrow(/only database 0: remove "\/2"/);
  });

  it('is an ioredis Cluster only when redis.cluster is set', () => {
    const options = { lazyConnect: true };
    const cluster = openRedis({ url: 'redis://127.0.0.1:1', cluster: true }, options);
    const single = openRedis({ url: 'redis://127.0.0.1:1', cluster: false }, options);
    const bare = openRedis('redis://127.0.0.1:1', options);
    expect(cluster).toBeInstanceOf(Cluster);
    expect(single).toBeInstanceOf(Redis);
    expect(bare).toBeInstanceOf(Redis);
    for (const connection of [cluster, single, bare]) connection.disconnect();
  });
});
