// What the review server does with hostile input, over real HTTP on loopback: report names that are
// Object.prototype's own (`report.constructor`), a `back`/`next` that leaves the site once normalised,
// and NUL bytes or invalid UTF-8 in a path, query or form — refused with 400 before any store query,
// on SQLite and on PostgreSQL (which cannot hold a NUL in text and answered 500).

import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/sinks/postgres.js';
import { type SeededServe, seededServe, serve, TOKEN } from '../browser/harness.js';
import { SEED_RUN, seed } from '../browser/seed.js';
import { postForm, type RawResponse, raw } from './server-http.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_SCHEMA = `factsync_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

let sqlite: SeededServe;
let postgres: { url: string; close(): Promise<void> };

beforeAll(async () => {
  sqlite = await seededServe('input');
  await seed(sqlite.store);
  const store = await openPostgresStore(PG_URL, { schema: PG_SCHEMA, max: 2 });
  await store.migrate();
  await seed(store);
  const served = await serve(sqlite.config, store, sqlite.redis);
  postgres = {
    url: served.url,
    async close() {
      await served.close();
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
      await client.end();
    },
  };
});

afterAll(async () => {
  await postgres?.close();
  await sqlite?.close();
});

/** A 5xx body must not show how the server is built: no stack frames, no source paths. */
function expectNoStack(response: RawResponse): void {
  expect(response.body).not.toMatch(/\n\s+at |\.ts:\d+|node:internal|\/src\//);
}

describe('report files', () => {
  const reportFiles = () =>
    readdirSync(sqlite.config.reports.dir).map((name) => {
      const file = path.join(sqlite.config.reports.dir, name);
      return `${name} ${statSync(file).mtimeMs}`;
    });

  it('are only html, md and json: a prototype name is 404 and rewrites nothing', async () => {
    const first = await raw(sqlite.url, { path: `/runs/${SEED_RUN}/report.html` });
    expect(first.status).toBe(200);
    const before = reportFiles();
    expect(before).toHaveLength(3);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'HTML', 'exe']) {
      const response = await raw(sqlite.url, { path: `/runs/${SEED_RUN}/report.${name}` });
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
      expectNoStack(response);
    }
    expect(reportFiles()).toEqual(before);
    for (const [format, type] of [
      ['md', 'text/plain'],
      ['json', 'application/json'],
    ] as const) {
      const response = await raw(sqlite.url, { path: `/runs/${SEED_RUN}/report.${format}` });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain(type);
    }
  });
});

describe('a server error', () => {
  it('answers 500 with a plain message, never a stack, as a page and as JSON', async () => {
    // A store that fails every query: a SQLite file closed under the running server.
    const broken = await seededServe('input-broken');
    await broken.store.close();
    try {
      for (const accept of ['text/html', 'application/json']) {
        const response = await raw(broken.url, { path: '/runs', headers: { accept } });
        expect(response.status).toBe(500);
        expect(response.body).toContain('Something went wrong on the server');
        expectNoStack(response);
      }
    } finally {
      await broken.close().catch(() => {});
    }
  });
});

describe('where a review or a sign-in sends the browser back to', () => {
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const OFF_SITE = [
    '/..//evil.example',
    '/.//evil.example',
    '/a/..//evil.example/x',
    '//evil.example',
    '/%2F%2Fevil.example',
    '/%2e%2e//evil.example',
    '/\\evil.example',
    '/%5Cevil.example',
    '/%09/evil.example',
    '/\t/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
  ];

  it('is a path of this site only, else the proposals page', async () => {
    for (const back of OFF_SITE) {
      const response = await postForm(
        sqlite.url,
        '/proposals/review',
        `decision=accepted&back=${encodeURIComponent(back)}`,
        bearer,
      );
      expect({ back, status: response.status }).toEqual({ back, status: 303 });
      expect({ back, location: response.headers.location }).toEqual({
        back,
        location: '/proposals?reviewed=0&decision=accepted',
      });
    }
    const ok = await postForm(
      sqlite.url,
      '/proposals/review',
      `decision=accepted&back=${encodeURIComponent('/entities/sora?x=1')}`,
      bearer,
    );
    expect(ok.headers.location).toBe('/entities/sora?x=1&reviewed=0&decision=accepted');
  });

  it('after signing in, the same', async () => {
    const login = await raw(sqlite.url, { path: '/login' });
    const session = /factsync_session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? '';
    for (const next of OFF_SITE) {
      const response = await postForm(
        sqlite.url,
        '/login',
        `_csrf=${encodeURIComponent(csrf)}&token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent(next)}`,
        { cookie: `factsync_session=${session}` },
      );
      expect({ next, status: response.status, location: response.headers.location }).toEqual({
        next,
        status: 303,
        location: '/proposals',
      });
    }
  });
});

describe('a NUL byte or invalid UTF-8 in a parameter', () => {
  const BAD_GETS = [
    '/proposals?q=%00x',
    '/proposals?q=x%00',
    '/proposals?entity=sora%00',
    '/proposals?run=%00',
    '/proposals?field=%00&status=all',
    '/proposals?after=%00',
    '/proposals?q=%FF',
    '/proposals?q=%C3%28',
    '/proposals?%00=x',
    '/entities/%00x',
    '/entities/sora%00',
    '/entities/a%FF',
    '/entities/a%C3%28',
    '/runs/%00',
    `/runs/${SEED_RUN}%00/report.html`,
    '/api/runs/%00/progress',
    '/queues/api/queues?activeQueue=%00',
  ];

  for (const [name, url] of [
    ['SQLite', () => sqlite.url],
    ['PostgreSQL', () => postgres.url],
  ] as const) {
    it(`is refused with 400 and a message, before the store (${name})`, async () => {
      for (const target of BAD_GETS) {
        const response = await raw(url(), { path: target });
        expect({ target, status: response.status }).toEqual({ target, status: 400 });
        expect({ target, says: /NUL|UTF-8/.test(response.body) }).toEqual({ target, says: true });
        expectNoStack(response);
      }
    });

    it(`in a form or JSON body is refused with 400 and changes nothing (${name})`, async () => {
      const bearer = { authorization: `Bearer ${TOKEN}` };
      const bodies: Array<[string, Buffer, string]> = [
        ['form NUL', Buffer.from('id=6270fabe67ac25a3069d&decision=rejected&note=a%00b'), 'form'],
        ['form %FF', Buffer.from('id=6270fabe67ac25a3069d&decision=rejected&note=a%FF'), 'form'],
        [
          'form raw 0xff',
          Buffer.concat([Buffer.from('decision=rejected&note=a'), Buffer.from([0xff])]),
          'form',
        ],
        ['json \\u0000', Buffer.from('{"ids":[],"decision":"rejected","note":"a\\u0000b"}'), 'json'],
        [
          'json raw 0xff',
          Buffer.concat([
            Buffer.from('{"ids":[],"decision":"rejected","note":"a'),
            Buffer.from([0xff, 0x22, 0x7d]),
          ]),
          'json',
        ],
      ];
      for (const [what, body, kind] of bodies) {
        const response = await raw(url(), {
          method: 'POST',
          path: '/proposals/review',
          body,
          headers: {
            ...bearer,
            'content-type': kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
          },
        });
        expect({ what, status: response.status }).toEqual({ what, status: 400 });
        expect({ what, says: /NUL|UTF-8/.test(response.body) }).toEqual({ what, says: true });
      }
    });
  }

  it('leaves ordinary searches alone: q=sora matches sora only', async () => {
    const response = await raw(sqlite.url, { path: '/proposals?q=sora&status=all' });
    expect(response.status).toBe(200);
    expect(response.body).toContain('href="/entities/sora"');
    expect(response.body).not.toContain('href="/entities/chatgpt"');
  });
});
