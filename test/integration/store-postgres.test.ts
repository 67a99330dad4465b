// The PostgreSQL store: the conformance suite in a schema of this file's own (dropped afterwards),
// then how connection failures surface: as StoreError, never with the URL's password in them.

import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/sinks/open-store.js';
import { ENTITY_LOCK_SPACE, openPostgresStore } from '../../src/sinks/postgres.js';
import { waitFor } from '../support/wait.js';
import { soraFinding, storeConformance, time } from './store-conformance.js';
import { expectMigrated, LEGACY_MIGRATIONS, legacyRows } from './store-legacy.js';

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

describe('postgres store made by the previous version', () => {
  it('migrates it, restoring the decisions its reconcile lost, and reconciles in it', async () => {
    const legacy = `factsync_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${legacy}; SET search_path = ${legacy}`);
      await admin.query(
        'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)',
      );
      for (const migration of LEGACY_MIGRATIONS) {
        await admin.query(migration.postgres);
        await admin.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          time(0),
        ]);
      }
      for (const row of legacyRows('sora')) {
        const columns = Object.keys(row);
        await admin.query(
          `INSERT INTO proposals (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          Object.values(row),
        );
      }
      const store = await openPostgresStore(url, { schema: legacy, max: 2 });
      try {
        await store.migrate();
        await expectMigrated(store, 'sora');
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${legacy} CASCADE`);
      await admin.end();
    }
  });
});

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

  it('a connection killed in the middle of a reconcile fails that call as STORE_UNAVAILABLE; the process goes on and the next call works', async () => {
    // What a PostgreSQL restart does to a transaction in flight: the server ends its backend. Here the
    // backend is one blocked on the entity's lock (held by another session), ended with
    // pg_terminate_backend, as a fast shutdown does. The client then emits 'error' while it is still
    // checked out of the pool; unheard, that error would kill the process (a worker, mid-batch).
    const own = `factsync_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const store = await openPostgresStore(url, { schema: own, max: 2 });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await store.migrate();
      const entity = `Q${Date.now()}`;
      await admin.query('SELECT pg_advisory_lock($1, hashtext($2))', [ENTITY_LOCK_SPACE, entity]);
      const at = { runId: 'r1', time: '2026-11-25T00:00:00.000Z' };
      const blocked = store.reconcile(entity, [soraFinding(entity)], at).then(
        () => undefined,
        (e: unknown) => e,
      );
      const pid = await waitFor('the reconcile to wait for the entity lock', async () => {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%' AND pid <> pg_backend_pid()
              AND datname = current_database()`,
        );
        return rows[0]?.pid;
      });
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const error = await blocked;
      expect(error).toMatchObject({ name: 'StoreError', code: 'STORE_UNAVAILABLE' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(uncaught).toEqual([]);

      await admin.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ENTITY_LOCK_SPACE, entity]);
      const again = await store.reconcile(entity, [soraFinding(entity)], at);
      expect(again.created).toHaveLength(1);
    } finally {
      process.off('uncaughtException', onUncaught);
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
      await admin.end();
    }
  });
});
