// The configuration as a user may see it — `factsync config` and the messages of a bad config — shows
// no credential: not in a URL, not in a value refused by validation, not in a YAML syntax error.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from '../../src/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'factsync-config-secrets-'));
function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the config shown', () => {
  it('hides the credentials of every URL and every secret', () => {
    const shown = redactedConfig(
      loadConfig({
        env: {
          REDIS_URL: 'redis://:hunter2@r:6379',
          DATABASE_URL: 'postgres://u@db/kb?sslmode=require&password=s3cret',
          WIKIDATA_URL: 'http://user:pa55@127.0.0.1:9/',
          WIKIPEDIA_URL: 'https://{lang}.example.org/?access_token=wp-tok',
          WIKIMEDIA_TOKEN: 'tok-123',
          FACTSYNC_TOKEN: 'serve-tok-0123456789',
          FACTSYNC_USER_AGENT: 'bot/1.0 (https://ops:agent-pw@example.org; me@example.org)',
        },
      }),
    ) as Record<string, Record<string, unknown>>;
    const text = JSON.stringify(shown);
    for (const secret of [
      'hunter2',
      's3cret',
      'pa55',
      'wp-tok',
      'tok-123',
      'serve-tok-0123456789',
      'agent-pw',
    ])
      expect(text).not.toContain(secret);
    expect(shown.store?.url).toBe('postgres://***@db/kb?sslmode=require&password=***');
    expect(shown.wikidata).toMatchObject({ url: 'http://user:***@127.0.0.1:9/', token: '***' });
    expect(shown.http?.userAgent).toBe('bot/1.0 (https://ops:***@example.org; me@example.org)');
  });
});

describe('a bad config', () => {
  it.each([
    ['WIKIDATA_URL', 'ftp://user:pa55@host/', 'pa55', '"ftp://user:***@host/"'],
    ['DATABASE_URL', 'mysql://u:pa55@db/x', 'pa55', '"mysql://u:***@db/x"'],
    ['REDIS_URL', 'pa55-a-bare-password', 'pa55', '"(hidden)"'],
  ])('%s refused by validation is shown without its credential', (name, value, secret, shown) => {
    const message = messageOf(() => loadConfig({ env: { [name]: value } }));
    expect(message).not.toContain(secret);
    expect(message).toContain(`got ${shown}`);
  });

  it.each([
    ['the line after a token', 'wikidata:\n  token: t0ken-abc\n bad: indent\n', 3],
    ['a token line itself', 'serve:\n  token: t0ken-abc: x\n', 2],
    ['a password in a flow mapping', 'serve: {token: t0ken-abc, port: [}\n', 1],
    ['a block scalar under a secret key', 'serve:\n  token: |\n    t0ken-abc\n   bad: [\n', 4],
  ])('a YAML syntax error on %s names line and column, never the value', (_, yaml, line) => {
    const where = file('broken.yaml', yaml);
    const message = messageOf(() => loadConfig({ env: {}, file: where }));
    expect(message).toMatch(new RegExp(`is not valid YAML at line ${line}, column \\d+: \\S`));
    expect(message).not.toContain('t0ken');
    expect(message).not.toContain('\n');
  });

  it('an alias to no anchor in place of a token is a config error that does not quote it', () => {
    const where = file('alias.yaml', 'serve:\n  token: *t0ken-abc\n');
    const message = messageOf(() => loadConfig({ env: {}, file: where }));
    expect(message).toContain(`${where} is not valid YAML: Unresolved alias`);
    expect(message).not.toContain('t0ken');
  });
});
