// The PostgreSQL store: the conformance suite in a schema of this file's own (dropped afterwards),
// then how connection failures surface: as StoreError, never with the URL's password in them.

import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/sinks/open-store.js';
import { openPostgresStore } from '../../src/sinks/postgres.js';
import { storeConformance } from './store-conformance.js';

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `factsync_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

storeConformance(
  'postgres',
  () => openPostgresStore(url, { schema, max: 4 }),
  async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  },
);

describe('postgres store errors', () => {
  const secret = 'n0t-4-r3al-pa55word';

  it('reports an unreachable server as STORE_UNAVAILABLE without the password', async () => {
    const store = await openPostgresStore(`postgres://factsync:${secret}@127.0.0.1:1/test`);
    const error = await store.migrate().then(
      () => undefined,
      (e: unknown) => e,
    );
    await store.close();
    expect(error).toMatchObject({ name: 'StoreError', code: 'STORE_UNAVAILABLE' });
    expect(String((error as Error).message)).toContain('postgres://factsync:***@127.0.0.1:1/test');
    expect(inspect(error, { depth: 6, showHidden: true })).not.toContain(secret);
  });

  it('reports a malformed URL as BAD_ARGUMENT without the password', async () => {
    const store = await openPostgresStore(`postgres://factsync:${secret}@127.0.0.1:notaport/test`);
    const error = await store.migrate().then(
      () => undefined,
      (e: unknown) => e,
    );
    await store.close();
    expect(error).toMatchObject({ name: 'StoreError', code: 'BAD_ARGUMENT' });
    expect(inspect(error, { depth: 6, showHidden: true })).not.toContain(secret);
  });

  it('fails openStore the same way, and refuses a schema name it would have to quote', async () => {
    await expect(
      openStore({
        store: {
          kind: 'postgres',
          path: 'unused',
          url: `postgresql://u:${secret}@127.0.0.1:1/x`,
          maxWaitMs: 0,
        },
      }),
    ).rejects.toSatisfy((e: unknown) => !String((e as Error).message).includes(secret));
    await expect(openPostgresStore(url, { schema: 'Robert"); DROP' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });
});
