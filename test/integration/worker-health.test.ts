// `factsync worker --check`, the worker's health check in docker-compose.yml: healthy (exit 0) while a
// worker process on this host runs and beats in Redis, unhealthy (exit 1, never Docker's reserved 2)
// before it starts, after it stops and when Redis is unreachable. A real worker child, real Redis.

import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeartbeat } from '../../src/jobs/heartbeat.js';
import { connectRedis } from '../../src/jobs/runtime.js';
import { storeKeys, TTL } from '../../src/redis-keys.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { freePort, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { killChildren, runCli, startWorkerChild } from '../support/spawn.js';

let install: TestInstall;

beforeAll(async () => {
  install = await testInstall('health', { entities: 2 });
});

afterAll(async () => {
  await killChildren();
  await install?.close();
  await stopRedisServers();
});

const check = (env: Record<string, string> = {}) =>
  runCli(['--config', install.configFile, 'worker', '--check'], { ...install.env, ...env });

describe('factsync worker --check', () => {
  it('is unhealthy before any worker has started, and says what to look at', async () => {
    const { code, stdout, stderr } = await check();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`unhealthy: no worker on ${hostname()} has beaten in the last 30 s`);
  });

  it('is healthy while a worker runs, naming its process; the beat expires by itself', async () => {
    const worker = await startWorkerChild(install);
    const { code, stdout, stderr } = await check();
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(new RegExp(`^healthy: worker ${worker.pid} on ${hostname()} beat \\d+ s ago\\n$`));
    // A worker killed outright cannot clean up: Redis forgets its beat within the time to live.
    const ttl = await install.runtime.redis.pttl(storeKeys(install.prefix).heartbeat(hostname()));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL.heartbeatMs);

    worker.process.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    const after = await check();
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('unhealthy: no worker on');
  });

  it('is unhealthy (1, not 2) when Redis does not answer', async () => {
    const { code, stderr } = await check({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^unhealthy: nothing answers at redis\.url redis:\/\/127\.0\.0\.1:\d+\n$/);
  });
});

describe('startHeartbeat', () => {
  const host = 'health-test-host';
  const key = () => storeKeys(install.prefix).heartbeat(host);

  it('does not beat while the workers are not running', async () => {
    const heartbeat = startHeartbeat(install.runtime.redis, {
      prefix: install.prefix,
      host,
      pid: 1,
      alive: () => false,
    });
    await heartbeat.stop();
    expect(await install.runtime.redis.exists(key())).toBe(0);
  });

  it("on stop, forgets its own beat but not another process's", async () => {
    const redis = install.runtime.redis;
    const mine = startHeartbeat(redis, { prefix: install.prefix, host, pid: 1, alive: () => true });
    const theirs = startHeartbeat(redis, { prefix: install.prefix, host, pid: 2, alive: () => true });
    await theirs.stop(); // the last beat was pid 2's: gone
    expect(await redis.exists(key())).toBe(0);

    const again = startHeartbeat(redis, { prefix: install.prefix, host, pid: 2, alive: () => true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await mine.stop(); // pid 2 beat last: its beat stays
    expect(JSON.parse((await redis.get(key())) ?? '{}')).toMatchObject({ pid: 2 });
    await again.stop();
    expect(await redis.exists(key())).toBe(0);
  });

  it('stops even while Redis is away (a worker told to stop must not wait for Redis)', async () => {
    const server = await startRedisServer();
    const redis = connectRedis(server.url); // as the worker's: commands wait for Redis to come back
    try {
      const heartbeat = startHeartbeat(redis, { prefix: 'health', host, pid: 1, alive: () => true });
      await server.stop();
      await heartbeat.stop(); // before it gave up waiting, this hung until the test's timeout
    } finally {
      redis.disconnect();
    }
  });
});
