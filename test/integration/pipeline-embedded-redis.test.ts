// Redis for a one-off command on a machine that has none: a private redis-server for the default URL,
// the advice to start one otherwise (exit 2). The machine's own Redis occupies the default URL, so the
// private-server path runs in a network namespace of its own (`unshare -rn`), where 127.0.0.1:6379 is free.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureRedis, NoRedisError, redisAnswers } from '../../src/jobs/embedded-redis.js';
import { type TestInstall, testInstall } from '../support/install.js';
import type { ProbeResult } from '../support/pipeline-embedded-probe.js';
import { REDIS_URL } from '../support/redis.js';
import { freePort } from '../support/redis-server.js';
import { killChildren, ROOT, runCli, spawnTracked } from '../support/spawn.js';

// docker-compose.yml does not publish its Redis on the host, so the advice is a plain `docker run`.
const ADVICE = 'docker run -d -p 127.0.0.1:6379:6379 redis:7-alpine';
const dirs: string[] = [];
let install: TestInstall | undefined;

afterAll(async () => {
  await killChildren();
  await install?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-embedded-test-'));
  dirs.push(dir);
  return dir;
}

describe('ensureRedis', () => {
  it('redisAnswers is false for a port nothing listens on, true for the test Redis', async () => {
    const port = await freePort();
    expect(await redisAnswers(`redis://127.0.0.1:${port}`, 300)).toBe(false);
    expect(await redisAnswers(REDIS_URL)).toBe(true);
  });

  it('uses the Redis that answers, starting nothing', async () => {
    const dataDir = path.join(tempDir(), 'redis');
    expect(await ensureRedis(REDIS_URL, dataDir)).toBeUndefined();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('for a URL other than the default, throws NoRedisError with the advice and starts nothing', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const dataDir = path.join(tempDir(), 'redis');
    const error = await ensureRedis(url, dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoRedisError);
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toContain('REDIS_URL');
    expect((error as Error).message).toContain(ADVICE);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('factsync sync with no Redis', () => {
  it('exits 2 with the advice when nothing answers at REDIS_URL and there is no redis-server on PATH', async () => {
    install = await testInstall('embedded', { entities: 5 });
    const url = `redis://127.0.0.1:${await freePort()}`;
    const empty = path.join(tempDir(), 'bin'); // node is run by its full path; nothing else is found
    const { code, stdout, stderr } = await runCli(['--config', install.configFile, 'sync'], {
      ...install.env,
      REDIS_URL: url,
      PATH: empty,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(url);
    expect(stderr).toContain(ADVICE);
  });
});

/** Whether this machine lets us make a network namespace with a loopback of its own. */
function canUnshare(): boolean {
  const probe = spawnSync('unshare', ['-rn', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' });
  return probe.status === 0 && spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

describe.skipIf(!canUnshare())('with nothing at the default URL (in a network namespace)', () => {
  it('runs a private redis-server for ensureRedis and for `factsync sync`, and stops it afterwards', async () => {
    const probe = path.join(ROOT, 'test', 'support', 'pipeline-embedded-probe.ts');
    // This process's environment with REDIS_URL emptied: the probe must find nothing configured.
    const env = { ...(process.env as Record<string, string>), REDIS_URL: '' };
    const child = spawnTracked(
      'unshare',
      ['-rn', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx "$1"', process.execPath, probe],
      { env },
    );
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 90_000);
    const { code } = await child.exited;
    clearTimeout(timer);
    const [out, err] = [child.stdout(), child.stderr()];
    expect(code, err).toBe(0);
    const result = JSON.parse(out.trimEnd().split('\n').at(-1) ?? '{}') as ProbeResult & { error?: string };
    expect(result.error).toBeUndefined();

    expect(result.defaultAnswersBefore).toBe(false);
    // ensureRedis at the default URL: a server on another port, answering, gone after stop().
    expect(result.direct).toMatchObject({ answered: true, answersAfterStop: false, dataDir: true });
    expect(result.direct.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(result.direct.url).not.toBe('redis://127.0.0.1:6379');

    // `factsync sync` with REDIS_URL unset: the run is done on the private server, which stops with it.
    expect(result.sync.code, result.sync.stderr).toBe(0);
    expect(result.sync.stderr).toContain('running a private redis-server for this command');
    expect(result.sync.embeddedUrl).toBeDefined();
    expect(result.sync.answersAfter).toBe(false);
    expect(result.sync.stdout).toContain('entities: 20 seen, 20 fetched, 0 unchanged (skipped), 0 failed');
    expect(result.sync.stdout).toMatch(/^report: \S+\.html \(also \.md and \.json\)$/m);

    // The same with no redis-server on PATH: exit 2 and the advice.
    expect(result.noServer.code).toBe(2);
    expect(result.noServer.stderr).toContain('no Redis answers at redis://127.0.0.1:6379');
    expect(result.noServer.stderr).toContain('no redis-server on PATH');
    expect(result.noServer.stderr).toContain(ADVICE);
    expect(result.leftovers).toEqual([]);
  }, 120_000);
});
