// The Host header, over real HTTP on loopback. A DNS-rebinding page (evil.example resolving to
// 127.0.0.1) reaches the server with its own name in Host: it must get nothing — no proposals, no job
// data from /queues/api — while the names this server is really reached by still work.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededServe, seededServe, TOKEN } from '../browser/harness.js';
import { seed } from '../browser/seed.js';
import { raw } from './server-http.js';

let served: SeededServe;
let port: string;

beforeAll(async () => {
  served = await seededServe('host');
  await seed(served.store);
  port = new URL(served.url).port;
});

afterAll(async () => {
  await served?.close();
});

const get = (base: string, path: string, host: string, headers: Record<string, string> = {}) =>
  raw(base, { path, headers: { host, ...headers } });

describe('a request naming another host', () => {
  it('gets 421 and no data, on pages and on the queue API', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.evil.example:${port}`,
      'localhost.evil.example',
    ]) {
      for (const path of ['/proposals', '/entities/sora', '/runs', '/queues/api/queues', '/queues']) {
        const response = await get(served.url, path, host, { authorization: `Bearer ${TOKEN}` });
        expect({ host, path, status: response.status }).toEqual({ host, path, status: 421 });
        expect(response.body).not.toContain('Sora');
        expect(response.body).not.toContain('"queues"');
        expect(response.body).toContain('serve.allowedHosts');
      }
    }
  });

  it('is refused before it can write', async () => {
    const response = await raw(served.url, {
      method: 'POST',
      path: '/proposals/review',
      headers: {
        host: `evil.example:${port}`,
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ids: [], decision: 'accepted' }),
    });
    expect(response.status).toBe(421);
  });

  it('still gets /healthz, which carries no data (Docker health checks)', async () => {
    const response = await get(served.url, '/healthz', 'evil.example');
    expect(response.status).toBe(200);
    expect(response.body).toBe('ok');
  });
});

describe('the names of a loopback server', () => {
  it('are accepted: 127.0.0.1, localhost and [::1], with the port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const response = await get(served.url, '/proposals', host);
      expect({ host, status: response.status }).toEqual({ host, status: 200 });
    }
  });
});

describe('serve.allowedHosts', () => {
  let named: SeededServe;
  beforeAll(async () => {
    named = await seededServe('host-named', {
      'serve.allowedHosts': ['review.example.org', 'pinned.example.org:8443'],
    });
  });
  afterAll(async () => {
    await named?.close();
  });

  it('adds names (any port unless one is given); loopback names stay accepted', async () => {
    const namedPort = new URL(named.url).port;
    const accepted = [
      'review.example.org',
      `review.example.org:${namedPort}`,
      'Review.Example.Org:443',
      'pinned.example.org:8443',
      `localhost:${namedPort}`,
    ];
    for (const host of accepted) {
      const response = await get(named.url, '/proposals', host);
      expect({ host, status: response.status }).toEqual({ host, status: 200 });
    }
    for (const host of ['other.example.org', 'pinned.example.org', 'pinned.example.org:443', 'example.org']) {
      const response = await get(named.url, '/proposals', host);
      expect({ host, status: response.status }).toEqual({ host, status: 421 });
    }
  });
});
