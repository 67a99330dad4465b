// Secrets: a Redis password (a private redis-server with --requirepass), a PostgreSQL password (a
// private cluster with scram-sha-256 over TCP and a role of our own), a Wikimedia token
// (WIKIMEDIA_TOKEN) and a serve token (FACTSYNC_TOKEN), each a recognisable random value. The CLI runs
// as users run it — sync, a worker at debug level doing a run, status, config, proposals, report,
// export, serve — and fails as they see it fail — a wrong Redis password, Redis down, a wrong
// PostgreSQL password, PostgreSQL down, a DATABASE_URL that is not a postgres:// URL. No secret (nor a
// wrong password typed in its place) appears in any stdout or stderr, in any report file, in what
// Redis or PostgreSQL hold, or in the pages serve sends. The Wikimedia token does go where it belongs:
// the fake's request log shows it in the Authorization header of every request.
// Secrets also ride in other shapes: a PostgreSQL password in the URL's query string (?password=),
// credentials in the userinfo of WIKIDATA_URL and WIKIPEDIA_URL, and a token next to a syntax error
// in a --config file; `config`, `proposals` and the error messages show none of them.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_QUEUE, openQueue } from '../../src/jobs/queues.js';
import { liveWorkers } from '../../src/jobs/sync.js';
import type { TestInstall } from '../support/install.js';
import { freePort, type RedisServer, startRedisServer, stopRedisServers } from '../support/redis-server.js';
import { killChildren, runCli, spawnCli, startWorkerChild } from '../support/spawn.js';
import { waitFor } from '../support/wait.js';
import {
  install,
  type PrivatePostgres,
  privatePostgresPossible,
  recordFigures,
  sharedPostgres,
  startPrivatePostgres,
  timeFile,
} from './helpers.js';

timeFile('secrets');

const secret = (label: string) => `${label}${randomBytes(12).toString('hex')}`;
const SECRETS = {
  redisPassword: secret('redispw'),
  postgresPassword: secret('pgpw'),
  wikimediaToken: secret('wmtoken'),
  serveToken: secret('servetoken'),
  wikimediaUrlPassword: secret('wmurlpw'),
  yamlToken: secret('yamltoken'),
};
/** Wrong passwords typed in place of the right ones: credentials too, never to be echoed. */
const WRONG = { redisPassword: secret('wrongredispw'), postgresPassword: secret('wrongpgpw') };
const ALL = { ...SECRETS, ...WRONG };

interface Transcript {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

let redis: RedisServer;
let cluster: PrivatePostgres;
let target: TestInstall;
let databaseUrl: string;
let sharedDatabase: string | undefined;
const ROLE = { name: 'factsync_rel', password: SECRETS.postgresPassword };
const DATABASE = `factsync_rel_${randomBytes(4).toString('hex')}`;
const transcripts: Transcript[] = [];

function leaks(text: string | Buffer): string[] {
  const haystack = typeof text === 'string' ? Buffer.from(text) : text;
  return Object.entries(ALL)
    .filter(([, value]) => haystack.includes(value))
    .map(([name]) => name);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

async function cli(label: string, args: string[], env: Record<string, string> = {}): Promise<Transcript> {
  const result = await runCli(
    ['--config', target.configFile, ...args],
    { ...target.env, ...env },
    { timeoutMs: 90_000 },
  );
  const transcript = { command: label, ...result };
  transcripts.push(transcript);
  return transcript;
}

beforeAll(async () => {
  redis = await startRedisServer({ durable: true, password: SECRETS.redisPassword });
  if (privatePostgresPossible()) {
    cluster = await startPrivatePostgres({ passwordAuth: true });
    await cluster.createDatabase(DATABASE, ROLE);
    databaseUrl = cluster.url(DATABASE, ROLE);
  } else {
    // The shared cluster trusts loopback: the password is carried everywhere but never checked.
    cluster = sharedPostgres();
    await cluster.createDatabase(DATABASE);
    sharedDatabase = DATABASE;
    databaseUrl = cluster.url(DATABASE, { name: 'postgres', password: SECRETS.postgresPassword });
  }
  target = await install('secrets', {
    entities: 40,
    file: { sync: { batchSize: 10, strategy: 'sweep' } },
    redisUrl: redis.url,
    logLevel: 'debug',
    env: {
      DATABASE_URL: databaseUrl,
      WIKIMEDIA_TOKEN: SECRETS.wikimediaToken,
      FACTSYNC_TOKEN: SECRETS.serveToken,
    },
  });
  expect(target.config.store.kind).toBe('postgres');
  expect(target.redisUrl).toContain(SECRETS.redisPassword);
});

afterAll(async () => {
  await killChildren();
  await target?.close();
  await stopRedisServers();
  if (sharedDatabase) {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${sharedDatabase} WITH (FORCE)`);
    await admin.end();
  }
  await cluster?.destroy();
  recordFigures('secrets', {
    postgres: cluster?.private
      ? 'private cluster, scram-sha-256'
      : 'shared cluster (trust: password carried, not checked)',
    commands: transcripts.map((t) => ({
      command: t.command,
      exit: t.code,
      outputBytes: t.stdout.length + t.stderr.length,
      leaks: leaks(t.stdout + t.stderr),
    })),
  });
});

describe('secrets', () => {
  it('never appear in the output of commands that work, even at debug level', async () => {
    expect((await cli('sync', ['sync'])).code).toBe(0);

    const worker = await startWorkerChild(target);
    // The next sync leaves its batches to that worker once Redis lists it.
    const batches = openQueue(target.runtime.settings, BATCH_QUEUE);
    try {
      await waitFor('the worker to be listed', async () => (await liveWorkers(target.runtime)) > 0);
      const full = await cli('sync --full (run by a worker at debug level)', ['sync', '--full']);
      expect(full.code, full.stderr).toBe(0);
      const runId = /^run (\S+) /m.exec(full.stdout)?.[1];
      const ran = (await batches.getCompleted(0, -1)).filter((job) => job.data.runId === runId);
      expect(ran.length).toBeGreaterThan(0);
      for (const job of ran) expect(job.processedBy).toBe(`factsync-worker-${worker.pid}`);
    } finally {
      await batches.close();
    }
    worker.process.kill('SIGTERM');
    const exit = await worker.exited;
    transcripts.push({
      command: 'worker (debug)',
      code: exit.code,
      stdout: worker.stdout(),
      stderr: worker.stderr(),
    });
    expect(exit.code).toBe(0);
    // It did log at debug level: the batches it ran.
    expect(worker.stderr()).toMatch(/"level":20,.*"msg":"batch done"/);

    for (const [label, args] of [
      ['status', ['status']],
      ['status --json', ['status', '--json']],
      ['config', ['config']],
      ['config --json', ['config', '--json']],
      ['proposals', ['proposals']],
      ['proposals --json', ['proposals', '--json']],
      ['report', ['report']],
      ['report --format json', ['report', '--format', 'json']],
      ['report --format html', ['report', '--format', 'html']],
      ['export --format jsonl', ['export', '--format', 'jsonl']],
      ['entities', ['entities']],
    ] as const) {
      const t = await cli(label, [...args]);
      expect(t.code, `${label}: ${t.stderr}`).toBe(0);
    }
    // `config` shows that there are secrets, hidden.
    const config = JSON.parse(transcripts.find((t) => t.command === 'config --json')?.stdout ?? '{}');
    expect(config.wikidata.token).toBe('***');
    expect(config.serve.token).toBe('***');
    expect(config.redis.url).toMatch(/^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+$/);
    expect(config.store.url).toMatch(/^postgres:\/\/\w+:\*\*\*@127\.0\.0\.1:\d+\//);

    for (const t of transcripts) expect(leaks(t.stdout + t.stderr), t.command).toEqual([]);
  });

  it('never appear in the pages serve sends or in its log', async () => {
    const port = await freePort();
    const serve = spawnCli(['--config', target.configFile, 'serve', '--port', String(port)], target.env);
    await serve.waitForOutput(/factsync serve: http:\/\/\S+\/proposals/, 30_000);
    const base = `http://127.0.0.1:${port}`;
    const pages: string[] = [];
    const cookies = new Map<string, string>();
    const keep = (response: Response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair?.indexOf('=') ?? -1;
        if (pair && eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return response;
    };
    const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const get = async (page: string) =>
      keep(await fetch(`${base}${page}`, { headers: { cookie: cookie() } }));
    const signIn = async (token: string) => {
      const form = await (await get('/login')).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
      expect(csrf).not.toBe('');
      return keep(
        await fetch(`${base}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, next: '/proposals', token }).toString(),
        }),
      );
    };
    // A wrong token is refused, and the refusal does not echo it.
    const refused = await signIn(WRONG.redisPassword);
    expect(refused.status).toBe(401);
    pages.push(await refused.text());
    // The right one signs in: the pages then offer the review actions, and still never show it.
    const signedIn = await signIn(SECRETS.serveToken);
    expect(signedIn.status).toBe(303);
    for (const page of ['/proposals', '/runs', '/entities']) {
      const response = await get(page);
      expect(response.status, page).toBe(200);
      pages.push(await response.text());
    }
    expect(pages.at(-3)).toMatch(/logout/i);
    // Nor do the cookies that keep the session.
    expect(leaks(cookie())).toEqual([]);
    serve.process.kill('SIGTERM');
    await serve.exited;
    transcripts.push({ command: 'serve', code: 0, stdout: serve.stdout(), stderr: serve.stderr() });
    for (const page of pages) expect(leaks(page)).toEqual([]);
    expect(leaks(serve.stdout() + serve.stderr())).toEqual([]);
  });

  it('never appear in the messages of commands that fail to connect', async () => {
    const closedRedis = await freePort();
    const closedPostgres = await freePort();
    const wrongRedis = `redis://:${WRONG.redisPassword}@127.0.0.1:${redis.port}`;
    const downRedis = `redis://:${SECRETS.redisPassword}@127.0.0.1:${closedRedis}`;
    const database = new URL(databaseUrl);
    const wrongPostgres = new URL(databaseUrl);
    wrongPostgres.password = WRONG.postgresPassword;
    const downPostgres = new URL(databaseUrl);
    downPostgres.port = String(closedPostgres);
    const notPostgres = `mysql://${database.username}:${SECRETS.postgresPassword}@127.0.0.1:${database.port}/x`;

    const cases: Array<[string, string[], Record<string, string>, number]> = [
      ['sync, wrong Redis password', ['sync'], { REDIS_URL: wrongRedis }, 2],
      ['status, wrong Redis password', ['status'], { REDIS_URL: wrongRedis }, 2],
      ['worker, wrong Redis password', ['worker'], { REDIS_URL: wrongRedis }, 1],
      ['refresh --wait, wrong Redis password', ['refresh', 'gen-1', '--wait'], { REDIS_URL: wrongRedis }, 2],
      ['sync, Redis down', ['sync'], { REDIS_URL: downRedis }, 2],
      ['status, Redis down', ['status'], { REDIS_URL: downRedis }, 2],
      ['proposals, PostgreSQL down', ['proposals'], { DATABASE_URL: downPostgres.toString() }, 1],
      ['report, PostgreSQL down', ['report'], { DATABASE_URL: downPostgres.toString() }, 1],
      ['sync, PostgreSQL down', ['sync'], { DATABASE_URL: downPostgres.toString() }, 1],
      ['config, DATABASE_URL not postgres://', ['config'], { DATABASE_URL: notPostgres }, 2],
      [
        'config, REDIS_URL not redis://',
        ['config'],
        { REDIS_URL: `http://:${SECRETS.redisPassword}@127.0.0.1:1` },
        2,
      ],
    ];
    if (cluster.private)
      cases.push([
        'proposals, wrong PostgreSQL password',
        ['proposals'],
        { DATABASE_URL: wrongPostgres.toString() },
        1,
      ]);
    for (const [label, args, env, code] of cases) {
      const t = await cli(label, args, env);
      expect(t.code, `${label}: ${t.stdout}\n${t.stderr}`).toBe(code);
      // It says what went wrong…
      expect(t.stderr, label).toMatch(/factsync: /);
      // …without the secret, or the wrong password typed in its place.
      expect(leaks(t.stdout + t.stderr), `${label}: ${t.stderr}`).toEqual([]);
    }
    const failed = (label: string) => transcripts.find((t) => t.command === label)?.stderr ?? '';
    expect(failed('sync, wrong Redis password')).toContain('redis://:***@127.0.0.1:');
    expect(failed('proposals, PostgreSQL down')).toMatch(
      /PostgreSQL at postgres:\/\/\w+:\*\*\*@127\.0\.0\.1:\d+\/\S+ is unavailable/,
    );
    if (cluster.private)
      expect(failed('proposals, wrong PostgreSQL password')).toMatch(/password authentication failed/);
  });

  it('never appear in a query string, in the Wikimedia URLs or beside a YAML syntax error', async () => {
    const database = new URL(databaseUrl);
    // The password as a query parameter, which the driver reads as well as the userinfo.
    const queryForm = new URL(databaseUrl);
    queryForm.password = '';
    queryForm.searchParams.set('password', decodeURIComponent(database.password));
    const queryFormDown = new URL(queryForm);
    queryFormDown.port = String(await freePort());
    const userinfo = (url: string) => url.replace('http://', `http://wm:${SECRETS.wikimediaUrlPassword}@`);
    const wikimedia = {
      WIKIDATA_URL: userinfo(target.fake.wikidataUrl),
      WIKIPEDIA_URL: userinfo(target.fake.wikipediaUrl),
    };
    const broken = path.join(path.dirname(target.configFile), 'broken.yaml');
    writeFileSync(broken, `serve:\n  token: ${SECRETS.yamlToken}\n port: 8080\n`);

    const shown = await cli('config --json, ?password= and Wikimedia userinfo', ['config', '--json'], {
      DATABASE_URL: queryForm.toString(),
      ...wikimedia,
    });
    expect(shown.code, shown.stderr).toBe(0);
    const config = JSON.parse(shown.stdout);
    expect(config.store.url).toMatch(/^postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/\w+\?password=\*\*\*$/);
    expect(config.wikidata.url).toMatch(/^http:\/\/wm:\*\*\*@127\.0\.0\.1:\d+$/);
    expect(config.wikipedia.url).toMatch(/^http:\/\/wm:\*\*\*@127\.0\.0\.1:\d+\/wikipedia\/\{lang\}$/);
    const text = await cli('config, ?password= and Wikimedia userinfo', ['config'], {
      DATABASE_URL: queryForm.toString(),
      ...wikimedia,
    });
    expect(text.code, text.stderr).toBe(0);
    // The driver takes the password from the query string: the store opens, and lists.
    const listed = await cli('proposals, ?password=', ['proposals'], { DATABASE_URL: queryForm.toString() });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.length).toBeGreaterThan(0);
    const down = await cli('proposals, PostgreSQL down, ?password=', ['proposals'], {
      DATABASE_URL: queryFormDown.toString(),
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/PostgreSQL at postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/\S+ is unavailable/);
    const yaml = await runCli(['--config', broken, 'config'], target.env, { timeoutMs: 90_000 });
    transcripts.push({ command: 'config, YAML syntax error beside a token', ...yaml });
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/is not valid YAML at line 3, column \d+/);

    for (const t of transcripts.slice(-5)) expect(leaks(t.stdout + t.stderr), t.command).toEqual([]);
  });

  it('never appear in the reports, in Redis or in PostgreSQL', async () => {
    const reports = filesUnder(target.config.reports.dir);
    expect(reports.length).toBeGreaterThanOrEqual(6);
    for (const file of reports) expect(leaks(readFileSync(file)), file).toEqual([]);
    // Everything Redis holds, as written to its append-only file.
    await new Promise((resolve) => setTimeout(resolve, 1500)); // appendfsync everysec
    const aof = filesUnder(redis.dir);
    expect(aof.length).toBeGreaterThan(0);
    for (const file of aof) expect(leaks(readFileSync(file)), file).toEqual([]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ text: string }>(
        `SELECT coalesce((SELECT string_agg(record::text, ' ') FROM runs), '') ||
                coalesce((SELECT string_agg(row_to_json(p)::text, ' ') FROM proposals p), '') AS text`,
      );
      const text = rows[0]?.text ?? '';
      expect(text.length).toBeGreaterThan(1000);
      expect(leaks(text)).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('the Wikimedia token went where it belongs: the Authorization header of every request', () => {
    const requests = target.fake.requests();
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) expect(request.authorization).toBe(`Bearer ${SECRETS.wikimediaToken}`);
  });
});
