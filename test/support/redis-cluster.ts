// A private Redis Cluster for tests: three masters (no replicas) of redis-server in cluster mode on
// free loopback ports, joined by `redis-cli --cluster create`, each in a temp directory of its own.
// `url` is one node, as a user's redis.url names one node of their cluster. `destroy()` (afterAll)
// kills the servers and removes their directories.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort, redisAnswers } from '../../src/jobs/embedded-redis.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface RedisCluster {
  /** One node's URL: what redis.url names, with redis.cluster set. */
  readonly url: string;
  /** The masters' ports. */
  readonly ports: readonly number[];
  /** A client of the whole cluster (commands go to the node that holds their slot). */
  connect(): Cluster;
  /** Every key on every master, sorted. */
  keys(): Promise<string[]>;
  /** Deletes every key under `prefix` on every master; returns how many. */
  dropPrefix(prefix: string): Promise<number>;
  destroy(): Promise<void>;
}

const MASTERS = 3;

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-test-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const destroy = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < MASTERS; i++) {
      // The cluster bus gets a port of its own: the default (port + 10000) may be taken or past 65535.
      const [port, bus] = [await freePort(), await freePort()];
      const args = ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1'];
      args.push('--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`);
      args.push('--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no');
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
      ports.push(port);
    }
    for (const port of ports)
      await waitFor(
        `redis-server (cluster node) on ${port}`,
        () => redisAnswers(`redis://127.0.0.1:${port}`, 200),
        {
          timeoutMs: 15_000,
          intervalMs: 50,
        },
      );
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must know every slot's owner before a client may rely on any of them.
    await waitFor('the cluster to be ok on every node', async () => {
      for (const port of ports) {
        const node = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: true });
        try {
          await node.connect();
          if (!(await node.cluster('INFO')).includes('cluster_state:ok')) return false;
        } finally {
          node.disconnect();
        }
      }
      return true;
    });
  } catch (error) {
    await destroy();
    throw error;
  }
  const connect = () =>
    new Cluster([{ host: '127.0.0.1', port: ports[0] as number }], {
      redisOptions: { maxRetriesPerRequest: 3 },
    });
  return {
    url: `redis://127.0.0.1:${ports[0]}`,
    ports,
    connect,
    async keys() {
      const found: string[] = [];
      for (const port of ports) {
        const node = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 3 });
        try {
          found.push(...(await node.keys('*')));
        } finally {
          node.disconnect();
        }
      }
      return found.sort();
    },
    async dropPrefix(prefix) {
      let dropped = 0;
      for (const port of ports) {
        const node = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 3 });
        try {
          let cursor = '0';
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
            // One by one: a node refuses a DEL of keys in different slots (a prefix without a tag).
            for (const key of keys) dropped += await node.del(key);
            cursor = next;
          } while (cursor !== '0');
        } finally {
          node.disconnect();
        }
      }
      return dropped;
    },
    destroy,
  };
}
