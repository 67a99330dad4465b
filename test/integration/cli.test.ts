// The `factsync` bin as users run it: help, exit codes, `entities` on the examples and the seed card.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlsIn } from '../support/controls.js';
import { jsonLines, ROOT, runCli } from '../support/spawn.js';

const COMMANDS = [
  'entities',
  'config',
  'sync',
  'worker',
  'schedule',
  'refresh',
  'proposals',
  'decide',
  'accept',
  'reject',
  'apply',
  'export',
  'report',
  'serve',
  'fake-wikimedia',
  'status',
];

describe('factsync --help', () => {
  it('lists every command of SPEC §6', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toContain(`  ${command}`);
  });

  it.each(COMMANDS)('%s --help documents the command and --config', async (command) => {
    const { code, stdout } = await runCli([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: factsync ${command}`);
    expect(stdout).toContain('--config <file>');
  });
});

describe('exit codes', () => {
  it('is 2 for an unknown option, naming it', async () => {
    const { code, stderr } = await runCli(['entities', '--jsn']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--jsn'");
  });

  it('is 2 for a bad config value, naming the key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'factsync-cli-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'http:\n  concurrency: 0\n');
    const { code, stderr } = await runCli(['entities', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('config http.concurrency');
  });

  it('is 2 for a bad environment variable, naming the key and the variable', async () => {
    const { code, stderr } = await runCli(['entities'], { REDIS_URL: 'localhost' });
    expect(code).toBe(2);
    expect(stderr).toContain('config redis.url');
    expect(stderr).toContain('REDIS_URL');
  });

  it('is 2 when local.path does not exist', async () => {
    const { code, stderr } = await runCli(['entities'], { FACTSYNC_LOCAL: '/nonexistent/cards' });
    expect(code).toBe(2);
    expect(stderr).toContain('local.path: /nonexistent/cards does not exist');
  });
});

describe('error messages', () => {
  const HOSTILE = '\u001b]0;TITLE\u0007\u001b[2J\n- forged line';

  it('show the argument they quote escaped, on the one line', async () => {
    const { code, stderr } = await runCli(['fake-wikimedia', '--fixtures', `/nonexistent${HOSTILE}`]);
    expect(code).toBe(2);
    expect(controlsIn(stderr)).toEqual([]);
    expect(stderr).not.toMatch(/^- forged line/m);
    expect(stderr).toContain(
      '--fixtures: no folder at /nonexistent\\x1b]0;TITLE\\x07\\x1b[2J\\n- forged line',
    );
  });

  it('of the argument parser too', async () => {
    const { code, stderr } = await runCli(['entities', `--x${HOSTILE}`]);
    expect(code).toBe(2);
    expect(controlsIn(stderr)).toEqual([]);
    expect(stderr).toContain("unknown option '--x\\x1b]0;TITLE");
  });
});

describe('factsync entities', () => {
  it('lists the example cards, reports the defective one and the local conflict', async () => {
    const { code, stdout, stderr } = await runCli(['entities']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sora\s+Q124544998\s+Sora/m);
    expect(stdout).toContain('! local conflict on qid: "Q999999901" (header Wikidata link, line 5)');
    expect(stderr).toContain('examples/cards/broken-date.md:15  unparseable date "Junuary 6, 2024"');
    expect(stderr).toMatch(/\d+ records, 1 unreadable, 1 with local conflicts/);
  });

  it('--json converts cards to the JSONL of SPEC §2, errors included', async () => {
    const { code, stdout } = await runCli(['entities', '--json']);
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    const sora = lines.find((line) => line.key === 'sora');
    expect(sora).toMatchObject({ qid: 'Q124544998', facts: { developer: ['OpenAI'], followedBy: 'Sora 2' } });
    expect(lines.filter((line) => 'error' in line)).toEqual([
      {
        error: expect.stringContaining('"Junuary" is not a month name'),
        file: path.join(ROOT, 'examples/cards/broken-date.md'),
        line: 15,
      },
    ]);
  });

  it('reads JSONL and round-trips its own --json output', async () => {
    const first = await runCli(['entities', '--json'], {
      FACTSYNC_LOCAL: 'examples/entities.jsonl',
      FACTSYNC_LOCAL_KIND: 'jsonl',
    });
    expect(first.code).toBe(0);
    const records = jsonLines(first.stdout).filter((line) => !('error' in line));
    expect(records.map((r) => r.key)).toEqual(['sora', 'openai', 'chatgpt']);
    const dir = mkdtempSync(path.join(tmpdir(), 'factsync-roundtrip-'));
    writeFileSync(path.join(dir, 'again.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const second = await runCli(['entities', '--json'], {
      FACTSYNC_LOCAL: path.join(dir, 'again.jsonl'),
      FACTSYNC_LOCAL_KIND: 'jsonl',
    });
    expect(jsonLines(second.stdout)).toEqual(records.map((r) => ({ ...r })));
  });

  it('keeps only the records asked for, by key or QID', async () => {
    const { stdout } = await runCli(['entities', '--json', 'openai', 'Q124544998']);
    expect(
      jsonLines(stdout)
        .map((r) => r.key)
        .sort(),
    ).toEqual(['openai', 'sora']);
  });
});

describe('secrets in the configuration', () => {
  const DATABASE_URL = 'postgres://u@127.0.0.1:1/db?password=s3cret';
  const WIKIDATA_URL = 'http://user:pa55@127.0.0.1:9/';
  const printed = (result: { stdout: string; stderr: string }) => result.stdout + result.stderr;

  it('config hides a password in the query string and the userinfo of any URL', async () => {
    const env = { DATABASE_URL, WIKIDATA_URL, WIKIPEDIA_URL: 'https://bot:wp-s3cret@{lang}.example.org' };
    const text = await runCli(['config'], env);
    expect(text.code, text.stderr).toBe(0);
    const json = await runCli(['config', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    for (const result of [text, json]) {
      expect(printed(result)).not.toContain('s3cret');
      expect(printed(result)).not.toContain('pa55');
    }
    const shown = JSON.parse(json.stdout);
    expect(shown.store.url).toBe('postgres://***@127.0.0.1:1/db?password=***');
    expect(shown.wikidata.url).toBe('http://user:***@127.0.0.1:9/');
    expect(shown.wikipedia.url).toBe('https://bot:***@{lang}.example.org');
    // The store this is and its Redis prefix, derived from host, port and database alone.
    expect(shown.storeScope).toEqual({
      store: 'postgres://127.0.0.1:1/db',
      prefix: expect.stringMatching(/^factsync-[0-9a-f]{8}$/),
      derived: true,
      shared: 'factsync',
    });
    expect(text.stdout).toContain(
      `# store: postgres://127.0.0.1:1/db\n# redis prefix: ${shown.storeScope.prefix} (derived from the store;`,
    );
  });

  it('a URL refused by validation is shown without its password', async () => {
    const { code, stderr } = await runCli(['config'], { WIKIDATA_URL: 'ftp://user:pa55@127.0.0.1:9/' });
    expect(code).toBe(2);
    expect(stderr).toContain('config wikidata.url');
    expect(stderr).not.toContain('pa55');
  });

  it('"PostgreSQL is unavailable" names the server without the password of its query string', async () => {
    const { code, stderr, stdout } = await runCli(['proposals'], { DATABASE_URL });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /PostgreSQL at postgres:\/\/\*\*\*@127\.0\.0\.1:1\/db\?password=\*\*\* is unavailable/,
    );
    expect(stdout + stderr).not.toContain('s3cret');
  });

  it.each([
    ['the line after it', 'wikidata:\n  token: t0ken-9f8e7d6c5b4a\n bad: indent\n'],
    ['its own line', 'wikidata:\n  token: t0ken-9f8e7d6c5b4a: x\n'],
    ['an unclosed quote', 'wikidata:\n  token: "t0ken-9f8e7d6c5b4a\n'],
  ])('a YAML syntax error on %s names the line, never the token', async (_, yaml) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'factsync-cli-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, yaml);
    const { code, stderr, stdout } = await runCli(['config', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file} is not valid YAML`);
    expect(stderr).toMatch(/line \d+, column \d+/);
    expect(stdout + stderr).not.toContain('t0ken');
  });
});

// The acceptance check, on the real seed card beside the project (shared/ is there in CI).
const SEED = path.resolve(ROOT, '../shared/sora-card.md');
describe.skipIf(!existsSync(SEED))('the seed card', () => {
  it('reads as one record with its facts and the QID conflict', async () => {
    const { code, stdout } = await runCli(['entities', '--json'], { FACTSYNC_LOCAL: SEED });
    expect(code).toBe(0);
    const [record, ...rest] = jsonLines(stdout);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      key: 'sora-card',
      qid: 'Q124544998',
      label: 'Sora',
      wikipedia: { lang: 'en', title: 'Sora (text-to-video model)' },
      facts: {
        inception: '2024-02-15',
        announced: '2024-02-15',
        followedBy: 'Sora 2',
        developer: ['OpenAI'],
        website: 'https://openai.com/sora',
        instanceOf: ['text-to-video model', 'artificial intelligence model', 'diffusion model'],
      },
      conflicts: [{ field: 'qid', values: [{ value: 'Q124544998' }, { value: 'Q120281745' }] }],
    });
  });
});
