// What a person sees on stderr: short readable log lines when asked for them (FACTSYNC_LOG_FORMAT=pretty
// stands in for a terminal, which a test cannot be), JSON lines when piped or with --json, the
// placeholder User-Agent as one sentence, and in both formats a logged value's control characters
// escaped and a URL's password masked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlsIn } from '../support/controls.js';
import { type TestInstall, testInstall } from '../support/install.js';
import { killChildren, runCli, spawnCli } from '../support/spawn.js';

let install: TestInstall;
/** The installation's environment, less the User-Agent it names (the shipped placeholder applies). */
let placeholderEnv: Record<string, string>;

beforeAll(async () => {
  install = await testInstall('cli-logs', { entities: 3, logLevel: 'debug' });
  const { FACTSYNC_USER_AGENT: _named, ...rest } = install.env;
  placeholderEnv = rest;
});

afterAll(async () => {
  await killChildren();
  await install?.close();
});

const sync = (env: Record<string, string>, ...flags: string[]) =>
  runCli(['--config', install.configFile, 'sync', ...flags], { ...placeholderEnv, ...env });

const SENTENCE =
  /^factsync: set FACTSYNC_USER_AGENT .*: Wikimedia asks every client for a name and a contact/;

/** stderr's lines that are log lines: JSON objects with a level. */
const jsonLogLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; notice?: boolean });

describe('pretty logs', () => {
  it('show the placeholder User-Agent once, as a sentence, and the log as short lines, not JSON', async () => {
    const { code, stderr } = await sync({ FACTSYNC_LOG_FORMAT: 'pretty' });
    expect(code, stderr).toBe(0);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.filter((line) => SENTENCE.test(line))).toHaveLength(1);
    expect(stderr).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: run planned {2}runId=\S+ {2}strategy=sweep/m);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(stderr).not.toContain('\u001b[');
  });

  it('are JSON with --json, whatever FACTSYNC_LOG_FORMAT says', async () => {
    const { code, stderr } = await sync({ FACTSYNC_LOG_FORMAT: 'pretty' }, '--json');
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(SENTENCE);
    const notices = jsonLogLines(stderr).filter((line) => line.notice);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.msg).toMatch(/^set FACTSYNC_USER_AGENT/);
  });
});

describe('logs when piped', () => {
  it('are JSON lines, the User-Agent notice among them once', async () => {
    const { code, stderr } = await sync({});
    expect(code, stderr).toBe(0);
    const logs = jsonLogLines(stderr);
    expect(logs.filter((line) => line.notice)).toHaveLength(1);
    expect(logs.map((line) => line.msg)).toContain('run planned');
    expect(stderr).not.toMatch(SENTENCE);
  });

  it('stay JSON with FACTSYNC_LOG_FORMAT=json', async () => {
    const { stderr } = await sync({ FACTSYNC_LOG_FORMAT: 'json' });
    expect(jsonLogLines(stderr).length).toBeGreaterThan(1);
  });

  it('name a bad FACTSYNC_LOG_FORMAT (exit 2)', async () => {
    const { code, stderr } = await sync({ FACTSYNC_LOG_FORMAT: 'colourful' });
    expect(code).toBe(2);
    expect(stderr).toContain('config log.format');
    expect(stderr).toContain('FACTSYNC_LOG_FORMAT');
  });
});

describe('a hostile value in a log line', () => {
  // serve logs the local store it cannot open with the path it was given: here one with a terminal
  // escape (clear the screen), a bidi override and a password parameter.
  const HOSTILE = '/nonexistent/db?password=hunter2&\u001b[2J\u202eevil';

  async function serveLog(format: string): Promise<string> {
    const serve = spawnCli(['--config', install.configFile, 'serve', '--port', '0'], {
      ...install.env,
      FACTSYNC_LOCAL: HOSTILE,
      FACTSYNC_LOG_FORMAT: format,
    });
    await serve.waitForOutput(/factsync serve: http:/);
    serve.process.kill('SIGTERM');
    await serve.exited;
    return serve.stderr();
  }

  it('is escaped and masked in pretty lines', async () => {
    const stderr = await serveLog('pretty');
    const line = stderr.split('\n').find((l) => l.includes('the local store cannot be opened'));
    expect(line, stderr).toBeDefined();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: the local store cannot be opened/);
    expect(line).toContain('\\x1b[2J\\u202eevil');
    expect(line).toContain('/nonexistent/db?password=***&');
    expect(stderr).not.toContain('hunter2');
    expect(controlsIn(stderr)).toEqual([]);
  });

  it('is escaped and masked in JSON lines, which parse back', async () => {
    const stderr = await serveLog('json');
    const line = stderr.split('\n').find((l) => l.includes('the local store cannot be opened'));
    expect(line, stderr).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({ level: 40, err: { code: 'LOCAL_PATH_MISSING' } });
    expect(line).toContain('/nonexistent/db?password=***&\\u001b[2J\\u202eevil');
    expect(stderr).not.toContain('hunter2');
    expect(controlsIn(stderr)).toEqual([]);
  });
});
