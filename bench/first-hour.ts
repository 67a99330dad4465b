// Benchmark (not a test) of a new user's first hour, through the CLI only: how long the editor's loop
// and a small sync take against the fake Wikimedia, and how long an offline sync takes to give up.
//
// Usage: npm run bench:first-hour -- [--runs N]   (default 5 runs of each; prints a Markdown table)
//
// Each run starts from nothing, as a fresh clone would: a copy of examples/cards/ (10 cards, two of them
// broken on purpose), a new SQLite store, reports folder and an emptied private redis-server, the default
// config otherwise (pacing, budget, retries, worker settings as shipped). Then, timed from the command's
// start to its exit:
//   sync            `factsync sync` of the 10 cards against the fake (in-process workers);
//   refresh --wait  the editor's loop: sora.md's announcement date edited, `factsync refresh sora --wait`
//                   (fetches the entity again and prints its proposals);
//   offline         `factsync sync` with WIKIDATA_URL and WIKIPEDIA_URL on hosts that never resolve
//                   (RFC 2606 `.invalid`), until its exit code 1.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { writeInstallFiles } from '../test/support/install.js';
import { type Child, progress, spawnCli, startFakeChild, startPrivateRedis, stopAll } from './sync-procs.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1)
  throw new Error(`--runs: expected a positive integer, got ${values.runs}`);

interface Timed {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

async function timed(child: Child): Promise<Timed> {
  const started = performance.now();
  const { code } = await child.exited;
  return {
    seconds: (performance.now() - started) / 1000,
    code,
    stdout: child.stdout(),
    stderr: child.stderr(),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const work = await mkdtemp(path.join(tmpdir(), 'factsync-first-hour-'));
const redisServer = await startPrivateRedis(work);
const redis = new Redis(redisServer.url);
const fakeStarted = startFakeChild();
const samples: Record<'sync' | 'refresh' | 'offline', Timed[]> = { sync: [], refresh: [], offline: [] };
try {
  const fake = await fakeStarted;
  for (let run = 1; run <= RUNS; run++) {
    const dir = path.join(work, `run-${run}`);
    // The one install builder of the tests (test/support/install.ts): a copy of the example cards, a
    // --config file with only the install's paths, and the environment: this Redis with the prefix the
    // store derives, the fake's URLs, the benchmark's user agent, the config's own log level.
    const { configFile: config, env: online } = writeInstallFiles(dir, fake, {
      base: 'paths',
      redisUrl: redisServer.url,
      logLevel: null,
      env: { FACTSYNC_USER_AGENT: 'factsync-bench/1.0 (bench; bench@example.org)' },
    });
    await redis.flushall();
    const sync = await timed(spawnCli('sync', ['sync', '--config', config], { env: online }));
    samples.sync.push(sync);
    progress(`run ${run}: sync ${sync.seconds.toFixed(2)} s, exit ${sync.code}`);

    const sora = path.join(dir, 'cards', 'sora.md');
    const card = await readFile(sora, 'utf8');
    const edited = card.replace(/announced on February 15, 2024/gi, 'announced on February 16, 2024');
    if (edited === card)
      throw new Error('sora.md no longer states "announced on February 15, 2024": update the bench');
    await writeFile(sora, edited);
    const refresh = await timed(
      spawnCli('refresh', ['refresh', 'sora', '--wait', '--config', config], { env: online }),
    );
    samples.refresh.push(refresh);
    progress(`run ${run}: refresh --wait ${refresh.seconds.toFixed(2)} s, exit ${refresh.code}`);

    await redis.flushall();
    await rm(path.join(dir, 'factsync.db'), { force: true });
    const offlineEnv = {
      ...online,
      WIKIDATA_URL: 'https://www.wikidata.invalid',
      WIKIPEDIA_URL: 'https://{lang}.wikipedia.invalid',
    };
    const offline = await timed(spawnCli('offline sync', ['sync', '--config', config], { env: offlineEnv }));
    samples.offline.push(offline);
    progress(`run ${run}: offline ${offline.seconds.toFixed(2)} s, exit ${offline.code}`);
  }
} finally {
  redis.disconnect();
  await stopAll();
  await redisServer.stop();
  await rm(work, { recursive: true, force: true });
}

const row = (name: string, target: string, xs: Timed[]) => {
  const s = xs.map((x) => x.seconds);
  const codes = [...new Set(xs.map((x) => x.code))].join(', ');
  return `| ${name} | ${target} | ${median(s).toFixed(2)} | ${Math.min(...s).toFixed(2)} | ${Math.max(...s).toFixed(2)} | ${codes} |`;
};
process.stdout.write(
  [
    `${RUNS} runs each, ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}`,
    '',
    '| command | target | median s | min s | max s | exit codes |',
    '| --- | --- | --- | --- | --- | --- |',
    row('`sync` of the 10 example cards', '≤ 3 s', samples.sync),
    row('`refresh sora --wait` after editing the card', '≤ 2 s', samples.refresh),
    row('`sync` offline (hosts that never resolve)', '≤ 15 s to exit 1', samples.offline),
    '',
    'Last refresh, as printed (stdout):',
    '```text',
    (samples.refresh.at(-1)?.stdout ?? '').trimEnd(),
    '```',
    'Last offline sync, as printed (stderr, then stdout):',
    '```text',
    (samples.offline.at(-1)?.stderr ?? '').trimEnd(),
    (samples.offline.at(-1)?.stdout ?? '').trimEnd(),
    '```',
    '',
  ].join('\n'),
);
