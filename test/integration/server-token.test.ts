// Guessing the token, over real HTTP on loopback: wrong Bearer tokens count against the same
// per-address limiter as the sign-in form (10 a minute), wherever they are sent (a write, or the queue
// API whose answer would tell a right token from a wrong one); past the limit every try is 429 with
// Retry-After, a then-right token included. And a token too short to resist guessing is refused at
// start-up (exit 2, naming serve.token, never printing it).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SeededServe, seededServe, TOKEN } from '../browser/harness.js';
import { REDIS_URL } from '../support/redis.js';
import { runCli } from '../support/spawn.js';
import { postForm, raw } from './server-http.js';

let served: SeededServe | undefined;

afterEach(async () => {
  await served?.close();
  served = undefined;
});

const review = (url: string, token: string) =>
  raw(url, {
    method: 'POST',
    path: '/proposals/review',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ ids: [], decision: 'accepted' }),
  });

async function signInWithForm(url: string, token: string): Promise<number> {
  const login = await raw(url, { path: '/login' });
  const session = /factsync_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? '';
  const response = await postForm(
    url,
    '/login',
    `_csrf=${encodeURIComponent(csrf)}&token=${encodeURIComponent(token)}&next=%2Fproposals`,
    { cookie: `factsync_session=${session}` },
  );
  return response.status;
}

describe('wrong Bearer tokens', () => {
  it('are limited like sign-ins: after 10, 429 with Retry-After, even for the right token', async () => {
    served = await seededServe('token-bearer');
    for (let i = 0; i < 10; i++) {
      const response = await review(served.url, `wrong-guess-${i}-0123456789`);
      expect({ i, status: response.status }).toEqual({ i, status: 403 });
    }
    const over = await review(served.url, 'wrong-guess-10-0123456789');
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.body).toContain('Too many wrong tokens');
    const right = await review(served.url, TOKEN);
    expect(right.status).toBe(429);
    // The sign-in form shares the count: the right token typed there waits too.
    expect(await signInWithForm(served.url, TOKEN)).toBe(429);
  });

  it('count on the queue API too (its answer would tell a right token from a wrong one)', async () => {
    served = await seededServe('token-queues');
    for (let i = 0; i < 10; i++) {
      const response = await raw(served.url, {
        path: '/queues/api/queues',
        headers: { authorization: `Bearer guess-${i}-0123456789abcdef`, accept: 'application/json' },
      });
      expect({ i, status: response.status }).toEqual({ i, status: 200 });
    }
    const over = await raw(served.url, {
      path: '/queues/api/queues',
      headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    });
    expect(over.status).toBe(429);
    expect(over.body).not.toContain('"queues"');
    // Reading without a token stays open to everyone.
    const anonymous = await raw(served.url, {
      path: '/queues/api/queues',
      headers: { accept: 'application/json' },
    });
    expect(anonymous.status).toBe(200);
  });

  it('a wrong sign-in and wrong Bearer tokens add up', async () => {
    served = await seededServe('token-mixed');
    for (let i = 0; i < 5; i++)
      expect(await signInWithForm(served.url, `typed-wrong-${i}-0123456789`)).toBe(401);
    for (let i = 0; i < 5; i++)
      expect((await review(served.url, `wrong-guess-${i}-0123456789`)).status).toBe(403);
    expect((await review(served.url, TOKEN)).status).toBe(429);
  });
});

/**
 * Runs `factsync ARGS` in a temporary folder (a serve that does start writes its store there), with the
 * given environment; stops it if it is still running after 15 s.
 */
function factsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'factsync-token-'));
  return runCli(args, { REDIS_URL, ...env }, { cwd, timeoutMs: 15_000, killSignal: 'SIGTERM' }).finally(() =>
    rmSync(cwd, { recursive: true, force: true }),
  );
}

describe('a short token', () => {
  it('stops `serve` at start-up with exit 2, naming serve.token without printing it', async () => {
    const result = await factsync(['serve', '--port', '0'], { FACTSYNC_TOKEN: 'abc123' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('serve.token');
    expect(result.stderr).toContain('16');
    expect(result.stderr).not.toContain('abc123');
  });

  it('is refused by every command (it is a bad configuration value), a 16-character one is not', async () => {
    const short = await factsync(['config', '--json'], { FACTSYNC_TOKEN: 'x' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('config serve.token');
    const enough = await factsync(['config', '--json'], { FACTSYNC_TOKEN: '0123456789abcdef' });
    expect(enough.code).toBe(0);
  });
});
