// Writes need the token: a POST without it, with a wrong one, from another site, or from a signed-in
// browser without the form's anti-CSRF token is refused (403) and changes nothing. The dashboard at
// /queues is read-only without the token. The token never shows in a page or a cookie.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, RUN_QUEUE } from '../../src/jobs/queues.js';
import { type Browser, launchChromium } from './chromium.js';
import { type SeededServe, seededServe, TOKEN } from './harness.js';
import { seed } from './seed.js';

let served: SeededServe;
let readOnly: SeededServe;
let browser: Browser;
let target: string;

beforeAll(async () => {
  [served, readOnly] = await Promise.all([
    seededServe('security'),
    seededServe('security-ro', { 'serve.token': undefined }),
  ]);
  await Promise.all([seed(served.store), seed(readOnly.store)]);
  const { proposals } = await served.store.list({ entity: 'sora' }, { limit: 1 });
  target = proposals[0]?.id as string;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.allSettled([served?.close(), readOnly?.close()]);
});

function review(url: string, headers: Record<string, string> = {}, extra = ''): Promise<Response> {
  return fetch(`${url}/proposals/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: `id=${target}&decision=accepted${extra}`,
    redirect: 'manual',
  });
}

async function status(store = served.store): Promise<string | undefined> {
  return (await store.get([target]))[0]?.status;
}

/** Signs in with fetch as a browser would: the session cookie, the login form's CSRF token, the token. */
async function signedInCookies(url: string): Promise<string> {
  const login = await fetch(`${url}/login`);
  const session = /factsync_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
  const signed = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `factsync_session=${session}` },
    body: `_csrf=${encodeURIComponent(csrf)}&token=${encodeURIComponent(TOKEN)}&next=%2Fproposals`,
    redirect: 'manual',
  });
  expect(signed.status).toBe(303);
  const setCookie = signed.headers.get('set-cookie') ?? '';
  expect(setCookie).not.toContain(TOKEN);
  expect(setCookie).toMatch(/factsync_auth=[^;]+;.*HttpOnly.*SameSite=Strict/i);
  const auth = /factsync_auth=([^;]+)/.exec(setCookie)?.[1] ?? '';
  return `factsync_session=${session}; factsync_auth=${auth}`;
}

describe('a write', () => {
  it('without the token is refused and changes nothing', async () => {
    const response = await review(served.url);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Sign in with the token');
    expect(await status()).toBe('open');
  });

  it('with a wrong bearer token is refused', async () => {
    const response = await review(served.url, { authorization: 'Bearer not-the-token' });
    expect(response.status).toBe(403);
    expect(await status()).toBe('open');
  });

  it('from another site (Origin or Referer) is refused, even with the token', async () => {
    const forged = await review(served.url, {
      authorization: `Bearer ${TOKEN}`,
      origin: 'http://evil.example',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('another site');
    const referred = await review(served.url, {
      authorization: `Bearer ${TOKEN}`,
      referer: 'https://evil.example/page',
    });
    expect(referred.status).toBe(403);
    expect(await status()).toBe('open');
  });

  it('from a signed-in browser needs the form anti-CSRF token', async () => {
    const cookie = await signedInCookies(served.url);
    const noCsrf = await review(served.url, { cookie, origin: 'http://evil.example' });
    expect(noCsrf.status).toBe(403);
    const sameSiteNoCsrf = await review(served.url, { cookie });
    expect(sameSiteNoCsrf.status).toBe(403);
    expect(await sameSiteNoCsrf.text()).toContain('The form has expired');
    const wrongCsrf = await review(served.url, { cookie }, '&_csrf=forged');
    expect(wrongCsrf.status).toBe(403);
    expect(await status()).toBe('open');
    // The page carries the right one, and it works.
    const page = await (await fetch(`${served.url}/proposals`, { headers: { cookie } })).text();
    expect(page).not.toContain(TOKEN);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const ok = await review(
      served.url,
      { cookie },
      `&_csrf=${encodeURIComponent(csrf)}&back=%2Fproposals%3Fq%3Dsora`,
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/proposals?q=sora&reviewed=1&decision=accepted');
    expect(await status()).toBe('decided');
  });

  it('from a script with the bearer token works', async () => {
    const response = await fetch(`${served.url}/proposals/review`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [target], decision: 'rejected', note: 'scripted' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ decision: 'rejected', changed: [target], missed: [] });
    expect((await served.store.get([target]))[0]).toMatchObject({
      status: 'decided',
      side: 'none',
      note: 'scripted',
    });
  });

  it('to refresh an entity needs the token too', async () => {
    const response = await fetch(`${served.url}/entities/sora/refresh`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(await served.redis.exists(`${served.prefix}:refresh:sora`)).toBe(0);
    const runs = openQueue({ connection: served.redis, prefix: served.prefix }, RUN_QUEUE);
    expect(await runs.count()).toBe(0);
    await runs.close();
  });

  it('on a server without a token is refused with how to set one', async () => {
    const response = await review(readOnly.url, { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Set FACTSYNC_TOKEN');
    expect(await status(readOnly.store)).toBe('open');
    const page = await (await fetch(`${readOnly.url}/proposals`)).text();
    expect(page).toContain('read-only server');
  });
});

/** bull-board's `GET /queues/api/queues` answer, the parts checked here. */
interface QueueList {
  queues: Array<{ readOnlyMode: boolean; isPaused: boolean }>;
}

describe('the queue dashboard', () => {
  it('loads read-only without the token; its mutations are refused', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${served.url}/queues`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('text=batches', { timeout: 15_000 });
    expect(await page.textContent('body')).toContain('runs');
    const answer = await page.evaluate(async () => {
      const list = (await fetch('/queues/api/queues').then((r) => r.json())) as QueueList;
      const pause = await fetch('/queues/api/queues/runs/pause', { method: 'PUT' });
      return {
        readOnly: list.queues.map((q) => q.readOnlyMode),
        pause: pause.status,
      };
    });
    expect(answer).toEqual({ readOnly: [true, true], pause: 403 });
    const runs = (await fetch(`${served.url}/queues/api/queues`).then((r) => r.json())) as QueueList;
    expect(runs.queues.map((q) => q.isPaused)).toEqual([false, false]);
    // With the token, the same call goes through (and is undone).
    const bearer = { authorization: `Bearer ${TOKEN}` };
    expect(
      (await fetch(`${served.url}/queues/api/queues/runs/pause`, { method: 'PUT', headers: bearer })).status,
    ).toBe(200);
    expect(
      (await fetch(`${served.url}/queues/api/queues/runs/resume`, { method: 'PUT', headers: bearer })).status,
    ).toBe(200);
    const withToken = (await fetch(`${served.url}/queues/api/queues`, { headers: bearer }).then((r) =>
      r.json(),
    )) as QueueList;
    expect(withToken.queues.map((q) => q.readOnlyMode)).toEqual([false, false]);
    await page.close();
  });

  it('and /healthz answers ok', async () => {
    const response = await fetch(`${served.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });
});
