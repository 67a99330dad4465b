// Which store a config points at, and the Redis prefix its runs live under: derived from the store
// unless redis.prefix is set (plain data; the two-stores pipeline test shows it on a real Redis).

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { queueSettings } from '../../src/jobs/queues.js';
import { hashTagged, scopeLines, storeIdentity, storeScope } from '../../src/jobs/store-scope.js';

const sqlite = (file: string, prefix?: string) => ({
  redis: { url: 'redis://127.0.0.1:6379', ...(prefix === undefined ? {} : { prefix }) },
  store: { kind: 'sqlite' as const, path: file, maxWaitMs: 0 },
});
const postgres = (url: string) => ({
  redis: { url: 'redis://127.0.0.1:6379' },
  store: { kind: 'postgres' as const, path: 'unused.db', url, maxWaitMs: 0 },
});

describe('the Redis prefix of a store', () => {
  it('is derived from the store when redis.prefix is not set: one per store, the same every time', () => {
    const a = storeScope(sqlite('/srv/factsync/data/factsync.db'));
    const b = storeScope(sqlite('/srv/factsync/data/demo.db'));
    expect(a).toMatchObject({
      store: 'sqlite:/srv/factsync/data/factsync.db',
      derived: true,
      shared: 'factsync',
    });
    expect(a.prefix).toMatch(/^factsync-[0-9a-f]{8}$/);
    expect(b.prefix).toMatch(/^factsync-[0-9a-f]{8}$/);
    expect(b.prefix).not.toBe(a.prefix);
    expect(storeScope(sqlite('/srv/factsync/data/factsync.db')).prefix).toBe(a.prefix);
  });

  it('names a SQLite store by its absolute path, however the path was written', () => {
    const relative = storeScope(sqlite('data/factsync.db'));
    expect(relative.store).toBe(`sqlite:${path.resolve('data/factsync.db')}`);
    expect(storeScope(sqlite(path.resolve('data/./x/../factsync.db'))).prefix).toBe(relative.prefix);
  });

  it('is used as is when set, for the store and the shared part alike', () => {
    expect(storeScope(sqlite('/srv/a.db', 'team-kb'))).toEqual({
      store: 'sqlite:/srv/a.db',
      prefix: 'team-kb',
      derived: false,
      shared: 'team-kb',
    });
  });

  it('follows the config: FACTSYNC_PREFIX sets it, store.path changes the derived one', () => {
    const plain = loadConfig({ env: {} });
    const demo = loadConfig({ env: {}, file: path.resolve('config/demo.yaml') });
    expect(storeScope(plain).derived).toBe(true);
    expect(storeScope(demo).store).toBe(`sqlite:${path.resolve('data/demo.db')}`);
    expect(storeScope(demo).prefix).not.toBe(storeScope(plain).prefix);
    expect(storeScope(loadConfig({ env: { FACTSYNC_PREFIX: 'mine' } })).prefix).toBe('mine');
  });

  it('goes with the store into every queue setting (and so into every run a process queues)', () => {
    const config = loadConfig({ env: {} });
    expect(queueSettings(config, {})).toMatchObject({
      prefix: storeScope(config).prefix,
      store: storeScope(config).store,
      attempts: config.worker.attempts,
    });
  });
});

describe('the prefixes on a Redis Cluster (redis.cluster)', () => {
  const cluster = (file: string, prefix?: string) => {
    const config = sqlite(file, prefix);
    return { ...config, redis: { ...config.redis, cluster: true } };
  };

  it('are hash tags, the same hash as on a single Redis, so each store keeps to one slot', () => {
    const single = storeScope(sqlite('/srv/factsync/data/factsync.db'));
    const tagged = storeScope(cluster('/srv/factsync/data/factsync.db'));
    expect(tagged).toEqual({ ...single, prefix: `{${single.prefix}}`, shared: '{factsync}' });
    expect(storeScope(cluster('/srv/a.db', 'team-kb'))).toMatchObject({
      prefix: '{team-kb}',
      shared: '{team-kb}',
    });
  });

  it('keep the names an existing single-Redis install has when redis.cluster is off or unset', () => {
    const config = sqlite('/srv/a.db', 'team-kb');
    expect(storeScope({ ...config, redis: { ...config.redis, cluster: false } }).prefix).toBe('team-kb');
    expect(storeScope(config).prefix).toBe('team-kb');
  });

  it("keep a tag a prefix already holds (the demo's `{factsync}-demo`)", () => {
    expect(hashTagged('{factsync}-demo')).toBe('{factsync}-demo');
    expect(hashTagged('factsync-demo')).toBe('{factsync-demo}');
    expect(hashTagged('{}x')).toBe('{{}x}');
  });

  it("take a redis.prefix written as a tag, as BullMQ's docs write it, as is on either Redis", () => {
    for (const cluster of ['true', 'false'])
      expect(
        storeScope(loadConfig({ env: { FACTSYNC_PREFIX: '{team-kb}', FACTSYNC_REDIS_CLUSTER: cluster } })),
      ).toMatchObject({ prefix: '{team-kb}', shared: '{team-kb}' });
    expect(() => loadConfig({ env: { FACTSYNC_PREFIX: '{a}{b}' } })).toThrow(/redis\.prefix.*in braces/s);
  });

  it('follow FACTSYNC_REDIS_CLUSTER, and a value that is not true or false is refused', () => {
    expect(storeScope(loadConfig({ env: { FACTSYNC_REDIS_CLUSTER: 'true' } })).shared).toBe('{factsync}');
    expect(storeScope(loadConfig({ env: { FACTSYNC_REDIS_CLUSTER: 'false' } })).shared).toBe('factsync');
    expect(() => loadConfig({ env: { FACTSYNC_REDIS_CLUSTER: 'yes' } })).toThrow(
      /redis\.cluster.*true or false/s,
    );
  });
});

describe('a PostgreSQL store', () => {
  it('is named by host, port and database, never by user or password', () => {
    const one = storeIdentity(postgres('postgres://alice:s3cret@DB.example.org:6432/kb').store);
    expect(one).toBe('postgres://db.example.org:6432/kb');
    expect(storeIdentity(postgres('postgresql://bob:other@db.example.org:6432/kb').store)).toBe(one);
    expect(storeScope(postgres('postgres://bob:x@db.example.org:6432/kb')).prefix).toBe(
      storeScope(postgres('postgres://alice:y@db.example.org:6432/kb')).prefix,
    );
  });

  it("fills in libpq's defaults and tells databases and schemas apart", () => {
    expect(storeIdentity(postgres('postgres://u@localhost/kb').store)).toBe('postgres://localhost:5432/kb');
    expect(storeIdentity(postgres('postgres://u@db/').store)).toBe('postgres://db:5432/u');
    expect(storeIdentity(postgres('postgres:///kb').store)).toBe('postgres://localhost:5432/kb');
    expect(storeIdentity(postgres('postgres://u@x/kb?host=/var/run/postgresql&port=5433').store)).toBe(
      'postgres:///var/run/postgresql:5433/kb',
    );
    const schema = storeIdentity(postgres('postgres://u@db/kb?options=-c%20search_path%3Dteam_a').store);
    expect(schema).toBe('postgres://db:5432/kb?schema=team_a');
    expect(storeScope(postgres('postgres://u@db/kb?options=-c%20search_path%3Dteam_b')).prefix).not.toBe(
      storeScope(postgres('postgres://u@db/kb?options=-c%20search_path%3Dteam_a')).prefix,
    );
    expect(storeScope(postgres('postgres://u@db/other')).prefix).not.toBe(
      storeScope(postgres('postgres://u@db/kb')).prefix,
    );
  });

  it('an unreadable URL names no part of itself (it may hold a password)', () => {
    expect(storeIdentity(postgres('postgres://u:s3cret@db:notaport/kb').store)).toBe(
      'postgres:(unreadable store.url)',
    );
  });
});

describe('a store given a name', () => {
  it('is that name however it is reached, so a container and the host share its runs', () => {
    const inContainer = storeScope(
      loadConfig({
        env: { FACTSYNC_STORE_NAME: 'team-kb', DATABASE_URL: 'postgres://u:p@postgres:5432/kb' },
      }),
    );
    const onHost = storeScope(
      loadConfig({
        env: { FACTSYNC_STORE_NAME: 'team-kb', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/kb' },
      }),
    );
    expect(inContainer).toEqual(onHost);
    expect(inContainer).toMatchObject({ store: 'name:team-kb', derived: true });
    expect(storeScope(loadConfig({ env: { FACTSYNC_STORE_NAME: 'other' } })).prefix).not.toBe(
      inContainer.prefix,
    );
  });

  it('is refused with the key named when it is not a plain name', () => {
    expect(() => loadConfig({ env: { FACTSYNC_STORE_NAME: 'my kb' } })).toThrow(
      /^config store\.name: expected letters/,
    );
  });
});

describe('what status and config say', () => {
  it('names the store and says where the prefix comes from', () => {
    expect(scopeLines(storeScope(sqlite('/srv/a.db')))).toEqual([
      'store: sqlite:/srv/a.db',
      expect.stringMatching(
        /^redis prefix: factsync-[0-9a-f]{8} \(derived from the store; labels and the request budget under "factsync"\)$/,
      ),
    ]);
    expect(scopeLines(storeScope(sqlite('/srv/a.db', 'team-kb')))[1]).toBe(
      'redis prefix: team-kb (set by redis.prefix: give every store its own)',
    );
  });
});
