// `refresh` and `sync` of a key or QID that names no record of the local store: exit 2 naming it, and
// nothing queued (no run on the queue, no refresh claimed, no run in the store) — before, `refresh
// nosuchkey` exited 0 and left a run waiting. The review page's "Refresh now" answers 404 the same way.

import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, RUN_QUEUE } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { keysMatching } from '../support/redis.js';
import { killChildren, runCli } from '../support/spawn.js';
import { raw } from './server-http.js';

const TOKEN = 'refresh-unknown-token-0123456789';

let install: TestInstall;
let runs: Queue;

beforeAll(async () => {
  install = await testInstall('unknown-keys', { entities: 3 });
  runs = openQueue(install.runtime.settings, RUN_QUEUE);
});

afterAll(async () => {
  await killChildren();
  await runs?.close();
  await install?.close();
});

const cli = (...args: string[]) => runCli(['--config', install.configFile, ...args], install.env);

/** Everything a refresh or a sync would have left: jobs on the runs queue, refresh claims, runs stored. */
async function queued(): Promise<{ jobs: number; claims: string[]; runs: number }> {
  const counts = await runs.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children');
  const claims = await keysMatching(install.runtime.redis, `${install.runtime.settings.prefix}:refresh:*`);
  return {
    jobs: Object.values(counts).reduce((a, b) => a + b, 0),
    claims,
    runs: (await install.runtime.store.listRuns(10)).length,
  };
}

const NOTHING = { jobs: 0, claims: [], runs: 0 };

describe('refresh of an unknown entity', () => {
  it('exits 2 naming the key, and queues nothing', async () => {
    const { code, stderr } = await cli('refresh', 'nosuchkey');
    expect(code).toBe(2);
    expect(stderr).toContain('refresh: no record "nosuchkey" in ');
    expect(stderr).toContain('nothing was queued');
    expect(await queued()).toEqual(NOTHING);
  });

  it('exits 2 for an unknown QID, with --wait too', async () => {
    const { code, stderr } = await cli('refresh', 'Q999999999', '--wait');
    expect(code).toBe(2);
    expect(stderr).toContain('no record "Q999999999"');
    expect(await queued()).toEqual(NOTHING);
  });

  it('queues none of the keys when one of them is unknown', async () => {
    const known = install.records[0]?.key as string;
    const { code, stderr } = await cli('refresh', known, 'nosuchkey');
    expect(code).toBe(2);
    expect(stderr).toContain('no record "nosuchkey"');
    expect(stderr).not.toContain(`no record "${known}"`);
    expect(await queued()).toEqual(NOTHING);
  });

  it('refreshes a known key, by key or by QID, as before', async () => {
    const record = install.records[1];
    const { code, stdout, stderr } = await cli('refresh', record?.qid as string);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(new RegExp(`^queued run \\S+ for ${record?.qid}$`, 'm'));
    const after = await queued();
    expect(after.jobs).toBeGreaterThan(0);
    await runs.obliterate({ force: true });
    await install.runtime.refreshes.done([record?.qid as string]);
  });
});

describe('sync of an unknown entity', () => {
  it('exits 2 naming the key, and runs nothing', async () => {
    const { code, stderr } = await cli('sync', 'nosuchkey');
    expect(code).toBe(2);
    expect(stderr).toContain('sync: no record "nosuchkey"');
    expect(await queued()).toEqual(NOTHING);
  });
});

describe('"Refresh now" on the review page for an unknown entity', () => {
  let server: RunningServer;

  beforeAll(async () => {
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
    await server?.close();
  });

  const refresh = (key: string, accept: string) =>
    raw(server.url, {
      method: 'POST',
      path: `/entities/${encodeURIComponent(key)}/refresh`,
      headers: { authorization: `Bearer ${TOKEN}`, accept },
    });

  it('answers 404 naming the key, as JSON and as a page, and queues nothing', async () => {
    const json = await refresh('nosuchkey', 'application/json');
    expect(json.status).toBe(404);
    expect(JSON.parse(json.body)).toEqual({ error: expect.stringContaining('no record "nosuchkey"') });
    const page = await refresh('nosuchkey', 'text/html');
    expect(page.status).toBe(404);
    expect(page.body).toContain('No such entity');
    expect(page.body).toContain('Nothing was queued: no record &#34;nosuchkey&#34; in ');
    expect(await queued()).toEqual(NOTHING);
  });

  it('queues a known entity (202)', async () => {
    const key = install.records[2]?.key as string;
    const response = await refresh(key, 'application/json');
    expect(response.status, response.body).toBe(202);
    expect(JSON.parse(response.body)).toMatchObject({ queued: true });
    expect((await queued()).claims).toEqual([`${install.runtime.settings.prefix}:refresh:${key}`]);
  });
});
