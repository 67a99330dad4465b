// A refresh claims its entities under the id of the run it starts: "already waiting (RUN)" names a
// run the queue and the review page know, and a run that could not be queued leaves nothing claimed.
// Before, `factsync refresh` claimed under `refresh-<ms>` and queued a run with another id, and a
// failed start kept the entity "waiting" for an hour.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { type RedisServer, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { killChildren, runCli } from '../support/spawn.js';
import { raw } from './server-http.js';

const TOKEN = 'refresh-claims-token-0123456789';
// A Redis user that may read and write keys but not run scripts (as some managed Redis offerings
// allow): the refresh's claim succeeds, the queue refuses the run (BullMQ adds jobs with scripts).
const NO_SCRIPTS = { user: 'no-scripts', password: 'no-scripts-pw' };

let redis: RedisServer;
let install: TestInstall;
let server: RunningServer;

beforeAll(async () => {
  // A private redis-server: the test adds a Redis user, which the shared one should not carry.
  redis = await startRedisServer();
  install = await testInstall('refresh-claims', { entities: 4, redisUrl: redis.url });
  await install.runtime.redis.call(
    'ACL',
    'SETUSER',
    NO_SCRIPTS.user,
    'on',
    `>${NO_SCRIPTS.password}`,
    '~*',
    '&*',
    '+@all',
    '-@scripting',
  );
  const config = { ...install.config, serve: { ...install.config.serve, token: TOKEN } };
  server = await startServer(
    {
      config,
      log: createLogger('error'),
      store: install.runtime.store,
      redis: install.runtime.redis,
      local: install.runtime.local,
    },
    { port: 0, host: '127.0.0.1' },
  );
});

afterAll(async () => {
  await killChildren();
  await server?.close();
  await install?.close();
  await stopRedisServers();
});

const cli = (...args: string[]) => runCli(['--config', install.configFile, ...args], install.env);
const queuedRun = (stdout: string, key: string) =>
  new RegExp(`^queued run (\\S+) for ${key}$`, 'm').exec(stdout)?.[1];

const api = (method: string, path: string) =>
  raw(server.url, {
    method,
    path,
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
  });

describe('a refresh asked while another of the same entity waits', () => {
  it('names the waiting run by the id it is queued under', async () => {
    const key = install.records[0]?.key as string;
    const first = await cli('refresh', key);
    expect(first.code, first.stderr).toBe(0);
    const runId = queuedRun(first.stdout, key);
    expect(runId, first.stdout).toBeDefined();

    const second = await cli('refresh', key);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`${key}: a refresh is already waiting (${runId}); not queued again`);

    // The run it names is one the review page can follow, and its "Refresh now" points to it too.
    const progress = await api('GET', `/api/runs/${runId}/progress`);
    expect(progress.status, progress.body).toBe(200);
    expect(JSON.parse(progress.body)).toMatchObject({ runId, state: 'waiting-for-worker' });
    const fromPage = await api('POST', `/entities/${key}/refresh`);
    expect(fromPage.status, fromPage.body).toBe(200);
    expect(JSON.parse(fromPage.body)).toEqual({ queued: false, runId });
  });
});

describe('a refresh whose run cannot be queued', () => {
  /** `factsync refresh ARGS` as the Redis user that may not run scripts. */
  const refusedCli = (...args: string[]) => {
    const url = new URL(redis.url);
    url.username = NO_SCRIPTS.user;
    url.password = NO_SCRIPTS.password;
    return runCli(['--config', install.configFile, 'refresh', ...args], {
      ...install.env,
      REDIS_URL: url.toString(),
    });
  };

  it.each([
    ['', 1],
    [' --wait', 2],
  ])('leaves the entity unclaimed (refresh%s): the next refresh queues it', async (flag, index) => {
    const key = install.records[index]?.key as string;
    const failed = await refusedCli(key, ...(flag ? [flag.trim()] : []));
    expect(failed.code, failed.stdout + failed.stderr).not.toBe(0);
    expect(failed.stderr).toMatch(/^factsync: /m);
    expect(failed.stdout).not.toContain('queued run');

    const again = await cli('refresh', key);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('already waiting');
    expect(queuedRun(again.stdout, key), again.stdout + again.stderr).toBeDefined();
  });
});

describe('refresh --wait', () => {
  it('runs the refresh it queued, prints it, and gives the entity back', async () => {
    const key = install.records[3]?.key as string;
    const waited = await cli('refresh', key, '--wait');
    expect(waited.code, waited.stderr).toBe(0);
    const runId = /^run (\S+) \(refresh\) done in /m.exec(waited.stdout)?.[1];
    expect(runId, waited.stdout).toBeDefined();
    expect(waited.stdout).toMatch(/^entities: 1 seen, 1 fetched, /m);
    expect(await install.runtime.store.getRun(runId as string)).toMatchObject({
      trigger: 'refresh',
      scope: [key],
      status: 'done',
    });

    const again = await cli('refresh', key);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('already waiting');
    expect(queuedRun(again.stdout, key), again.stdout + again.stderr).toBeDefined();
  });
});
