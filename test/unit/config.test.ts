import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from '../../src/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'factsync-config-'));
function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration layers', () => {
  it('has the defaults of SPEC §7', () => {
    const config = loadConfig({ env: {} });
    // No prefix: each store derives its own (store-scope.test.ts).
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(config.wikidata.url).toBe('https://www.wikidata.org');
    expect(config.wikipedia.url).toBe('https://{lang}.wikipedia.org');
    expect(config.languages).toEqual(['en']);
    expect(config.local.kind).toBe('cards');
    expect(config.local.path).toBe(path.resolve('examples/cards'));
    expect(config.store).toMatchObject({ kind: 'sqlite', path: path.resolve('data/factsync.db') });
    expect(config.schedule).toEqual({ cron: '0 3 * * *', tz: 'UTC' });
    expect(config.http.userAgent).toMatch(/^factsync\/\d+\.\d+\.\d+ /);
  });

  it('reads the field mapping of SPEC §3 from config', () => {
    const config = loadConfig({ env: {} });
    const byName = Object.fromEntries(config.fields.map((f) => [f.name, f]));
    expect(byName.developer).toMatchObject({
      type: 'item',
      property: 'P178',
      many: true,
      source: 'statement',
    });
    expect(byName.announced).toMatchObject({ type: 'time', property: 'P6949', many: false });
    expect(byName.wikipedia).toMatchObject({ type: 'page', source: 'sitelink' });
  });

  it('adds a field from a config entry', () => {
    const extra = file(
      'extra.yaml',
      'fields:\n  discontinued: { type: time, property: P2669, phrases: [discontinued on] }\n',
    );
    const config = loadConfig({ env: {}, file: extra });
    expect(config.fields.find((f) => f.name === 'discontinued')).toMatchObject({
      property: 'P2669',
      phrases: ['discontinued on'],
    });
    expect(config.fields.find((f) => f.name === 'developer')).toBeDefined();
  });

  it('overlays the file on the defaults, and the environment on the file', () => {
    const overlay = file('overlay.yaml', 'redis:\n  prefix: fromfile\nhttp:\n  concurrency: 3\n');
    const config = loadConfig({ env: { FACTSYNC_PREFIX: 'fromenv' }, file: overlay });
    expect(config.redis.prefix).toBe('fromenv');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http.concurrency).toBe(3);
  });

  it('maps each environment variable of SPEC §7', () => {
    const config = loadConfig({
      env: {
        REDIS_URL: 'redis://redis.internal:6380',
        WIKIDATA_URL: 'http://127.0.0.1:8090',
        WIKIPEDIA_URL: 'http://127.0.0.1:8090/{lang}',
        FACTSYNC_USER_AGENT: 'mybot/1.0 (me@example.org)',
        FACTSYNC_LOCAL: '/srv/kb.jsonl',
        FACTSYNC_LOCAL_KIND: 'jsonl',
        DATABASE_URL: 'postgres://u:p@db/kb',
      },
    });
    expect(config.redis.url).toBe('redis://redis.internal:6380');
    expect(config.wikidata.url).toBe('http://127.0.0.1:8090');
    expect(config.wikipedia.url).toBe('http://127.0.0.1:8090/{lang}');
    expect(config.http.userAgent).toBe('mybot/1.0 (me@example.org)');
    expect(config.local).toMatchObject({ kind: 'jsonl', path: '/srv/kb.jsonl' });
    expect(config.store).toMatchObject({ kind: 'postgres', url: 'postgres://u:p@db/kb' });
  });

  it('resolves paths in a config file against that file', () => {
    const config = loadConfig({ env: {}, file: file('paths.yaml', 'local:\n  path: cards\n') });
    expect(config.local.path).toBe(path.join(dir, 'cards'));
  });
});

describe('a bad value names its key', () => {
  it.each([
    ['http:\n  concurrency: 0\n', 'http.concurrency', 'Too small'],
    ['http:\n  concurrency: lots\n', 'http.concurrency', 'got "lots"'],
    ['redis:\n  url: localhost:6379\n', 'redis.url', 'expected a redis:// or rediss:// URL'],
    ['local:\n  kind: csv\n', 'local.kind', '"cards"'],
    ['schedule:\n  tz: Mars/Olympus\n', 'schedule.tz', 'IANA time zone'],
    ['schedule:\n  cron: every night\n', 'schedule.cron', 'cron expression'],
    ['languages: []\n', 'languages', 'Too small'],
    ['redis:\n  prefx: x\n', 'redis.prefx', 'unknown key'],
    ['fields:\n  maker: { type: item, many: true }\n', 'fields.maker.property', 'needs a property'],
    ['fields:\n  developer: { type: thing, property: P178 }\n', 'fields.developer.type', '"item"'],
    ['store:\n  kind: postgres\n', 'store.url', 'postgres:// URL is needed'],
    ['review:\n  maxNewShare: 5\n', 'review.maxNewShare', 'Too big'],
    ['review:\n  minHeld: some\n', 'review.minHeld', 'got "some"'],
  ])('%s', (yaml, key, expected) => {
    const where = file('bad.yaml', yaml);
    const error = configError(() => loadConfig({ env: {}, file: where }));
    expect(error.key).toBe(key);
    expect(error.message).toContain(`config ${key}`);
    expect(error.message).toContain(expected);
  });

  it('says when the bad value came from the environment', () => {
    const error = configError(() => loadConfig({ env: { REDIS_URL: 'http://nope' } }));
    expect(error.key).toBe('redis.url');
    expect(error.message).toContain('(from environment variable REDIS_URL)');
  });

  it('says when the bad value came from the --config file', () => {
    const where = file('bad-file.yaml', 'http:\n  retries: -1\n');
    expect(configError(() => loadConfig({ env: {}, file: where })).message).toContain(`(from ${where})`);
  });

  it('names a missing or broken config file', () => {
    expect(configError(() => loadConfig({ env: {}, file: '/nonexistent.yaml' })).message).toContain(
      'cannot read',
    );
    const broken = file('broken.yaml', 'redis: [unclosed\n');
    expect(configError(() => loadConfig({ env: {}, file: broken })).message).toContain('is not valid YAML');
  });
});

describe('secrets', () => {
  it('are hidden when the config is shown', () => {
    const config = loadConfig({
      env: {
        REDIS_URL: 'redis://:hunter2@r:6379',
        DATABASE_URL: 'postgres://u:s3cret@db/kb',
        WIKIMEDIA_TOKEN: 'tok-123',
      },
    });
    const shown = JSON.stringify(redactedConfig(config));
    for (const secret of ['hunter2', 's3cret', 'tok-123']) expect(shown).not.toContain(secret);
  });
});
