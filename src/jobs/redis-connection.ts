// How factsync opens a Redis connection: to one Redis server, or to a Redis Cluster when redis.cluster
// is set. A cluster is reached through one of its nodes (redis.url); ioredis asks that node for the
// others and sends each command to the node holding its key's slot. Every multi-key command, MULTI
// and Lua script factsync and BullMQ send stays in one slot because every prefix is a hash tag there
// (jobs/store-scope.ts), so the same code runs unchanged on both.

import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config.js';

/** Where Redis is: redis.url, and whether it is a cluster (redis.cluster). */
export type RedisTarget = Pick<Config['redis'], 'url' | 'cluster'>;

/** Thrown for a redis.url a cluster cannot use: the command exits 2 with this message. */
export class RedisClusterUrlError extends Error {
  readonly code = 'REDIS_CLUSTER_URL';
}

/**
 * A connection to `target` with `options` (those of a single connection). For a cluster the connection
 * is an ioredis Cluster, typed as Redis: it answers the same commands (what factsync's modules use),
 * and BullMQ takes either. The options that govern the whole cluster (offline queue, ready check,
 * lazy connect, giving up) apply to the cluster; the rest to each node's connection.
 */
export function openRedis(target: RedisTarget | string, options: RedisOptions = {}): Redis {
  const { url, cluster } = typeof target === 'string' ? { url: target, cluster: false } : target;
  if (cluster !== true) return new Redis(url, options);
  const { lazyConnect, enableReadyCheck, enableOfflineQueue, retryStrategy, ...perNode } = options;
  const seed = clusterSeed(url);
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...perNode, ...seed.auth },
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(enableReadyCheck === undefined ? {} : { enableReadyCheck }),
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: (times: number) => retryStrategy(times) }),
  };
  // A managed cluster on TLS (rediss://) names its nodes by host name: connect by that name, so each
  // node's certificate is checked against it (ioredis's README, "AWS ElastiCache Clusters with TLS").
  // Not exercised by the tests: they run no TLS cluster.
  if (seed.auth.tls) clusterOptions.dnsLookup = (address, callback) => callback(null, address);
  return new Cluster([{ host: seed.host, port: seed.port }], clusterOptions) as unknown as Redis;
}

/** The node a cluster is first asked at, and the credentials every node takes. */
export function clusterSeed(url: string): {
  host: string;
  port: number;
  auth: Pick<RedisOptions, 'username' | 'password' | 'tls'>;
} {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && db !== '0')
    throw new RedisClusterUrlError(
      `redis.url selects database ${db}, but a Redis Cluster has only database 0: remove "/${db}" from the URL, or unset redis.cluster`,
    );
  const auth: Pick<RedisOptions, 'username' | 'password' | 'tls'> = {};
  if (parsed.username) auth.username = decodeURIComponent(parsed.username);
  if (parsed.password) auth.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') auth.tls = {};
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379), auth };
}
