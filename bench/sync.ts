// Benchmark (not a test) of the nightly sync, end to end: the local JSONL store → BullMQ workers on
// Redis → the fake Wikimedia → diff → the SQLite proposal store. It measures what the planner does
// today through the CLI (`factsync worker`, `factsync sync`) and the fake's counters only, so it keeps
// working when the planner changes (a change feed, say).
//
// Usage: npm run bench:sync -- [options]   (or: node --import tsx bench/sync.ts [options])
//   --entities LIST     entity counts, comma-separated (default 10000,100000; 1000000 when asked)
//   --latency MS        latency the fake adds to every answer (default 20)
//   --changed F         share of items changed before the changed night (default 0.01)
//   --value-share S     share of the changed items that also get a new website, so that night has new
//                       proposals to check (default 0.5; the others get a new revision only)
//   --workers N         `factsync worker` processes (default 2)
//   --worker-concurrency N   batch jobs each worker runs at once (default: the config's, 4)
//   --http-concurrency N     http.concurrency, across all workers (default 8)
//   --rate N            http.ratePerSecond (default 1000, the most the config allows: the fake, not
//                       politeness, is measured)
//   --seed N            the fake's seed, which fixes the generated items and records (default 42)
//   --only nights|baselines  run only the nights (and the 0 ms first night), or only the baselines
//   --skip-zero-latency  do not measure an extra first night against a fake with no latency
//   --per-entity-step N  the per-entity baseline asks for every N-th entity (default 1 up to 10,000
//                       entities, else 20: a 5% sample, its figures scaled up)
//   --worker-node-args="A B"  extra node arguments for the workers (--cpu-prof, --max-old-space-size=N…)
//   --redis-url URL     use this Redis (default: a private redis-server, so its memory is ours alone)
//   --dir D             work folder (default .bench/sync)
//   --results FILE      Markdown results to update (default bench/RESULTS.md; "-" for none)
//   --fresh             regenerate the local store even if one of the same count and seed exists
//   --cooling-off       review.coolingOffHours 24 (the default) instead of 0: the changed night's edits,
//                       seconds old, wait, and the night reads their history (prop=revisions)
//   --flush             after the unchanged night, a day later, empty Redis (FLUSHALL of the private
//                       redis-server; with --redis-url, every key under the install's prefix) and
//                       measure another unchanged night: what a Redis without persistence costs
//   --stream            a `factsync watch` process reads the fake's live change stream across the
//                       nights (bench/sync-stream.ts): the clock moves in 3 h steps, and before each
//                       night the benchmark waits until the watcher has caught up, and reports how long
//                       that took, its CPU and its memory
//   --strategy S        sync.strategy: auto (the default: the planner picks), feed or sweep; feed makes
//                       the nights after the first read the change feeds at any count (below ~100,000
//                       entities the planner sweeps), to measure a feed night at a small count
//   --render-only       measure nothing: rewrite the results file from the work folder's results.json
//
// For each count: generate the local store (streamed, reused across runs); start the fake Wikimedia in
// its own process (`factsync fake-wikimedia`, so its CPU is not counted as factsync's), a private
// redis-server and N `factsync worker` processes; then night 1 (first, full), night 2 (nothing
// changed), night 3 (after `changeFraction`), each triggered by `factsync sync`; then the baselines on
// the same fake: `factsync sync --full` (a full batched fetch every night) and one wbgetentities request
// per entity; finally, unless the latency is 0 already, a first night against a fake with no latency
// (the end-to-end throughput target). Tables go to stdout and into the results file; progress to stderr.

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { generatedRecord } from '../dev/fake-wikimedia/src/index.js';
import { unitHash } from '../dev/fake-wikimedia/src/random.js';
import { loadConfig } from '../src/config.js';
import type { RunRecord } from '../src/model/run.js';
import { openStore } from '../src/sinks/open-store.js';
import { writeInstallFiles } from '../test/support/install.js';
import { redisBreakdown, renderBreakdown } from './redis-breakdown.js';
import { type PerEntityResult, runPerEntity } from './sync-baseline.js';
import {
  type Child,
  CLI,
  dropPrefix,
  type FakeChild,
  killChildren,
  MIB,
  machineCpu,
  procCpuSeconds,
  procStatus,
  progress,
  type RedisServer,
  ROOT,
  redisMemory,
  resetPeak,
  spawnCli,
  spawnNode,
  startFakeChild,
  startPrivateRedis,
  statsDelta,
  stopAll,
} from './sync-procs.js';
import {
  type ChangeCheck,
  type Counter,
  type Machine,
  mergeInto,
  type NightResult,
  type ProcFigures,
  renderGenerated,
  renderTable,
  renderTargets,
  type Scenario,
  type SizeResult,
} from './sync-report.js';
import { STEP_HOURS, STREAM_NOTE, StreamWatch, streamUrlOf } from './sync-stream.js';

const SELF = fileURLToPath(import.meta.url);
/** Bump when the generated local store changes, so an old one is regenerated. */
const DATA_VERSION = 1;
/** The seed `changeFraction` is given for the changed night. */
const CHANGE_SEED = 1;
const SAMPLE_MS = 200;

// ---------------------------------------------------------------------------------------------------
// Options

interface Options {
  readonly entities: readonly number[];
  readonly latencyMs: number;
  readonly changed: number;
  readonly valueShare: number;
  readonly workers: number;
  readonly workerConcurrency?: number;
  readonly httpConcurrency: number;
  readonly rate: number;
  readonly seed: number;
  readonly only?: 'nights' | 'baselines';
  readonly zeroLatency: boolean;
  readonly perEntityStep?: number;
  readonly redisUrl?: string;
  readonly workerNodeArgs: readonly string[];
  readonly dir: string;
  readonly results?: string;
  readonly fresh: boolean;
  /** review.coolingOffHours 24 instead of 0: the changed night's edits wait (and cost their history). */
  readonly coolingOff: boolean;
  /** An unchanged night after Redis was emptied, beside the unchanged one. */
  readonly flush: boolean;
  /** `factsync watch` on the fake's stream across the nights (sync-stream.ts). */
  readonly stream: boolean;
  /** sync.strategy, when not the planner's own choice (`auto`). */
  readonly strategy?: 'feed' | 'sweep';
}

function integer(text: string | undefined, fallback: number, name: string, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: expected an integer ≥ ${min}`);
  return value;
}

function share(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) throw new Error(`--${name}: expected a number from 0 to 1`);
  return value;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      entities: { type: 'string' },
      latency: { type: 'string' },
      changed: { type: 'string' },
      'value-share': { type: 'string' },
      workers: { type: 'string' },
      'worker-concurrency': { type: 'string' },
      'http-concurrency': { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      'skip-zero-latency': { type: 'boolean', default: false },
      'per-entity-step': { type: 'string' },
      'redis-url': { type: 'string' },
      'worker-node-args': { type: 'string' },
      dir: { type: 'string' },
      results: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      'cooling-off': { type: 'boolean', default: false },
      flush: { type: 'boolean', default: false },
      stream: { type: 'boolean', default: false },
      strategy: { type: 'string' },
      'render-only': { type: 'boolean', default: false },
      // Internal: the per-entity baseline's child process.
      child: { type: 'string' },
      url: { type: 'string' },
      count: { type: 'string' },
      step: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  if (values.only !== undefined && values.only !== 'nights' && values.only !== 'baselines')
    throw new Error('--only: expected nights or baselines');
  if (values.strategy !== undefined && !['auto', 'feed', 'sweep'].includes(values.strategy))
    throw new Error('--strategy: expected auto, feed or sweep');
  const entities = (values.entities ?? '10000,100000')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((text) => integer(text.replace(/_/g, ''), 0, 'entities', 100));
  const resultsFile = values.results ?? path.join(ROOT, 'bench', 'RESULTS.md');
  const workerConcurrency =
    values['worker-concurrency'] === undefined
      ? undefined
      : integer(values['worker-concurrency'], 4, 'worker-concurrency');
  const perEntityStep =
    values['per-entity-step'] === undefined
      ? undefined
      : integer(values['per-entity-step'], 1, 'per-entity-step');
  const options: Options = {
    entities,
    latencyMs: integer(values.latency, 20, 'latency', 0),
    changed: share(values.changed, 0.01, 'changed'),
    valueShare: share(values['value-share'], 0.5, 'value-share'),
    workers: integer(values.workers, 2, 'workers'),
    ...(workerConcurrency === undefined ? {} : { workerConcurrency }),
    httpConcurrency: integer(values['http-concurrency'], 8, 'http-concurrency'),
    rate: integer(values.rate, 1000, 'rate'),
    seed: integer(values.seed, 42, 'seed', 0),
    ...(values.only ? { only: values.only as 'nights' | 'baselines' } : {}),
    coolingOff: values['cooling-off'] === true,
    flush: values.flush === true,
    stream: values.stream === true,
    ...(values.strategy === 'feed' || values.strategy === 'sweep' ? { strategy: values.strategy } : {}),
    zeroLatency: !values['skip-zero-latency'],
    ...(perEntityStep === undefined ? {} : { perEntityStep }),
    ...(values['redis-url'] ? { redisUrl: values['redis-url'] } : {}),
    workerNodeArgs: (values['worker-node-args'] ?? '').split(/\s+/).filter(Boolean),
    dir: path.resolve(values.dir ?? path.join(ROOT, '.bench', 'sync')),
    ...(resultsFile === '-' ? {} : { results: path.resolve(resultsFile) }),
    fresh: values.fresh,
  };
  return { options, values };
}

// ---------------------------------------------------------------------------------------------------
// The local store: generatedRecord(seed, i) for every generated item, streamed to disk, reused

interface Data {
  readonly file: string;
  readonly bytes: number;
  readonly generatedSeconds?: number;
}

async function ensureData(options: Options, entities: number): Promise<Data> {
  const dir = path.join(options.dir, 'data');
  const file = path.join(dir, `records-${entities}-seed${options.seed}.jsonl`);
  const manifestFile = `${file}.manifest.json`;
  const wanted = { version: DATA_VERSION, entities, seed: options.seed };
  if (!options.fresh && existsSync(file)) {
    try {
      const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as typeof wanted & { bytes: number };
      if (
        manifest.version === wanted.version &&
        manifest.entities === entities &&
        manifest.seed === options.seed &&
        statSync(file).size === manifest.bytes
      ) {
        progress(`reusing ${path.relative(ROOT, file)} (--fresh regenerates it)`);
        return { file, bytes: manifest.bytes };
      }
    } catch {
      // No manifest: generate again.
    }
  }
  await mkdir(dir, { recursive: true });
  await rm(manifestFile, { force: true });
  const started = performance.now();
  const stream = createWriteStream(file);
  let bytes = 0;
  for (let index = 0; index < entities; index++) {
    const line = `${JSON.stringify(generatedRecord(options.seed, index, { count: entities }))}\n`;
    bytes += Buffer.byteLength(line);
    if (!stream.write(line)) await once(stream, 'drain');
    if ((index + 1) % 100_000 === 0) progress(`local store: ${index + 1} / ${entities} records`);
  }
  stream.end();
  await once(stream, 'finish');
  const generatedSeconds = (performance.now() - started) / 1000;
  await writeFile(manifestFile, `${JSON.stringify({ ...wanted, bytes }, null, 2)}\n`);
  progress(
    `generated ${path.relative(ROOT, file)} (${(bytes / MIB).toFixed(1)} MiB) in ${generatedSeconds.toFixed(1)} s`,
  );
  return { file, bytes, generatedSeconds };
}

// ---------------------------------------------------------------------------------------------------
// An installation: a config file, a store, a Redis prefix, workers — over one fake

/** Redis prefixes in use, dropped at the end whatever happens. */
const prefixes = new Set<string>();

interface Install {
  readonly label: string;
  readonly dir: string;
  readonly configFile: string;
  /** The environment every `factsync` child of this install gets. */
  readonly env: Record<string, string>;
  readonly prefix: string;
  readonly entities: number;
  readonly fake: FakeChild;
  readonly workers: Child[];
}

const USER_AGENT = 'factsync-bench/1.0 (https://example.org/factsync-bench; bench@example.org)';

async function createInstall(
  options: Options,
  label: string,
  entities: number,
  data: Data,
  fake: FakeChild,
  redisUrl: string,
): Promise<Install> {
  const dir = path.join(options.dir, String(entities), label);
  await rm(dir, { recursive: true, force: true });
  const prefix = `factsync-bench-sync-${entities}-${label}-${process.pid}-${Date.now().toString(36)}`;
  // The one install builder of the tests (test/support/install.ts), over the benchmark's local store
  // and the project defaults; the fake, the Redis URL, the prefix and the user agent reach the children
  // through their environment.
  const { configFile, env } = writeInstallFiles(dir, fake, {
    entities,
    local: data.file,
    base: 'paths',
    redisUrl,
    prefix,
    env: { FACTSYNC_USER_AGENT: USER_AGENT },
    file: {
      http: {
        concurrency: options.httpConcurrency,
        ratePerSecond: options.rate,
        // The fake, not Wikimedia: the budget is not what is measured (the tables give the time each
        // night would take at Wikimedia's allowances).
        budgetPerHour: 100_000_000,
      },
      // The changed night checks its proposals are open: with --changed above 5 % the circuit breaker
      // would hold them. It is measured by its own test (test/integration/breaker.test.ts), not here.
      // Its edits are seconds old, so the cooling-off would leave them for the next night: off too, and
      // its cost measured apart (--cooling-off).
      review: { maxNewShare: 0, maxNewFieldShare: 0, coolingOffHours: options.coolingOff ? 24 : 0 },
      ...(options.workerConcurrency ? { worker: { concurrency: options.workerConcurrency } } : {}),
      log: { level: 'warn' },
      ...(options.strategy ? { sync: { strategy: options.strategy } } : {}),
      ...(options.stream ? { watch: { url: streamUrlOf(fake) } } : {}),
    },
  });
  const install: Install = { label, dir, configFile, env, prefix, entities, fake, workers: [] };
  prefixes.add(prefix);
  // No nightly run may fire in the middle of the benchmark (the schedule is per prefix).
  const off = spawnCli('schedule --off', ['--config', configFile, 'schedule', '--off'], { env });
  const { code } = await off.exited;
  if (code !== 0) throw new Error(`factsync schedule --off failed (${code}): ${off.stderr()}`);
  for (let i = 0; i < options.workers; i++) {
    const worker = spawnNode(
      `worker ${i + 1}`,
      [...options.workerNodeArgs, CLI, '--config', configFile, 'worker'],
      { env },
    );
    install.workers.push(worker);
  }
  await Promise.all(install.workers.map((w) => w.waitForOutput(/factsync worker \d+ ready/, 60_000)));
  progress(
    `${label}: ${options.workers} workers ready (pids ${install.workers.map((w) => w.pid).join(', ')}), prefix ${prefix}`,
  );
  return install;
}

async function closeInstall(install: Install, redis: Redis): Promise<void> {
  await Promise.all(install.workers.map((w) => w.stop(45_000)));
  const dropped = await dropPrefix(redis, install.prefix);
  prefixes.delete(install.prefix);
  progress(`${install.label}: workers stopped, ${dropped} Redis keys under ${install.prefix} dropped`);
}

function configOf(install: Install) {
  return loadConfig({ file: install.configFile, env: install.env });
}

async function withStore<T>(
  install: Install,
  use: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>,
): Promise<T> {
  const store = await openStore(configOf(install));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Measuring one night

interface Context {
  readonly options: Options;
  readonly redis: Redis;
  readonly redisServer: RedisServer;
}

/** Samples worker RSS and Redis memory while a night runs. */
function startSampler(ctx: Context, pids: readonly number[]) {
  const peakRss = new Map<number, number>(pids.map((pid) => [pid, 0]));
  const peakAt = new Map<number, number>();
  const started = performance.now();
  let redisPeak = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const pid of pids) {
        const status = procStatus(pid);
        if (status && status.rssKiB > (peakRss.get(pid) ?? 0)) {
          peakRss.set(pid, status.rssKiB);
          peakAt.set(pid, performance.now() - started);
        }
      }
      redisPeak = Math.max(redisPeak, (await redisMemory(ctx.redis)).usedBytes);
    } catch {
      // A sample missed is not worth stopping for.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      const elapsed = performance.now() - started;
      const peakWhen = new Map([...peakAt].map(([pid, at]) => [pid, elapsed > 0 ? at / elapsed : 0]));
      return { peakRss, peakWhen, redisPeak };
    },
  };
}

interface Before {
  readonly fakeStats: Awaited<ReturnType<FakeChild['stats']>>;
  readonly rss: Map<number, number>;
  readonly peakReset: Map<number, boolean>;
  readonly cpu: Map<number, number>;
  readonly machine: { busy: number; total: number };
  readonly redisUsed: number;
  readonly started: number;
}

function cpuOf(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, procCpuSeconds(pid) ?? 0]));
}

async function snapshotBefore(ctx: Context, fake: FakeChild, workerPids: readonly number[]): Promise<Before> {
  const otherPids = [fake.child.pid, ...(ctx.redisServer.pid ? [ctx.redisServer.pid] : [])];
  return {
    fakeStats: await fake.stats(),
    rss: new Map(workerPids.map((pid) => [pid, procStatus(pid)?.rssKiB ?? 0])),
    peakReset: new Map(workerPids.map((pid) => [pid, resetPeak(pid)])),
    cpu: cpuOf([...workerPids, ...otherPids]),
    machine: machineCpu(),
    redisUsed: (await redisMemory(ctx.redis)).usedBytes,
    started: performance.now(),
  };
}

interface After {
  readonly fake: Pick<NightResult, 'fakeRequests' | 'fakeTotal' | 'fakeStatuses' | 'fakeAsked'>;
  readonly workers: ProcFigures[];
  readonly fakeCpuSeconds: number;
  readonly redisCpuSeconds?: number;
  readonly machineBusySeconds: number;
  readonly ownCpuSeconds: number;
  readonly loadAverage: number;
  readonly redis: NightResult['redis'];
}

async function snapshotAfter(
  ctx: Context,
  fake: FakeChild,
  workerPids: readonly number[],
  before: Before,
  sampled: { peakRss: Map<number, number>; peakWhen: Map<number, number>; redisPeak: number },
  extraOwnCpu = 0,
): Promise<After> {
  const delta = statsDelta(before.fakeStats, await fake.stats());
  const cpuDelta = (pid: number) => (procCpuSeconds(pid) ?? 0) - (before.cpu.get(pid) ?? 0);
  const workers = workerPids.map((pid, i): ProcFigures => {
    const status = procStatus(pid);
    const viaHwm = before.peakReset.get(pid) === true && status !== undefined;
    return {
      name: `worker ${i + 1}`,
      rssStartMiB: (before.rss.get(pid) ?? 0) / 1024,
      rssEndMiB: (status?.rssKiB ?? 0) / 1024,
      peakMiB: (viaHwm ? (status?.peakKiB ?? 0) : (sampled.peakRss.get(pid) ?? 0)) / 1024,
      peakSource: viaHwm ? 'VmHWM' : 'sampled',
      sampledPeakMiB: (sampled.peakRss.get(pid) ?? 0) / 1024,
      sampledPeakWhen: sampled.peakWhen.get(pid) ?? 0,
      cpuSeconds: cpuDelta(pid),
    };
  });
  const fakeCpuSeconds = cpuDelta(fake.child.pid);
  const redisCpuSeconds = ctx.redisServer.pid ? cpuDelta(ctx.redisServer.pid) : undefined;
  const machine = machineCpu();
  const memory = await redisMemory(ctx.redis);
  return {
    fake: {
      fakeRequests: delta.byEndpoint,
      fakeTotal: { requests: delta.requests, bytes: delta.bytes },
      fakeStatuses: delta.byStatus,
      fakeAsked: { ids: delta.idsRequested, titles: delta.titlesRequested },
    },
    workers,
    fakeCpuSeconds,
    ...(redisCpuSeconds === undefined ? {} : { redisCpuSeconds }),
    machineBusySeconds: machine.busy - before.machine.busy,
    ownCpuSeconds:
      workers.reduce((sum, w) => sum + w.cpuSeconds, 0) +
      fakeCpuSeconds +
      (redisCpuSeconds ?? 0) +
      extraOwnCpu,
    loadAverage: os.loadavg()[0] ?? 0,
    redis: {
      usedStartMiB: before.redisUsed / MIB,
      usedEndMiB: memory.usedBytes / MIB,
      peakSampledMiB: Math.max(sampled.redisPeak, memory.usedBytes) / MIB,
      serverPeakHuman: memory.peakHuman,
    },
  };
}

/** One run over the whole store through `factsync sync` (the running workers do the work). */
async function night(
  ctx: Context,
  install: Install,
  scenario: Scenario,
  label: string,
  extra: { full?: boolean; check?: (run: RunRecord) => Promise<ChangeCheck>; watch?: StreamWatch } = {},
): Promise<NightResult> {
  const pids = install.workers.map((w) => w.pid);
  for (const w of install.workers)
    if (!w.running()) throw new Error(`${w.name} is not running:\n${w.stderr().slice(-2000)}`);
  await extra.watch?.beginNight();
  const before = await snapshotBefore(ctx, install.fake, pids);
  const sampler = startSampler(ctx, pids);
  progress(`${install.label}: ${label}…`);
  const sync = spawnCli(label, ['--config', install.configFile, 'sync', ...(extra.full ? ['--full'] : [])], {
    env: install.env,
    onStderrLine: (line) => progress(`  ${line}`),
  });
  const { code } = await sync.exited;
  const commandSeconds = (performance.now() - before.started) / 1000;
  const sampled = await sampler.stop();
  const after = await snapshotAfter(ctx, install.fake, pids, before, sampled);
  const stream = await extra.watch?.endNight();
  // Where Redis's memory is, by key family (after the night, with the run's history still there).
  const families = await redisBreakdown(ctx.redis, install.prefix);
  progress(`${install.label}: ${label}: Redis by key family\n${renderBreakdown(families, install.entities)}`);
  const runId = /^run (\S+) \(/m.exec(sync.stdout())?.[1];
  if (code !== 0 || !runId)
    throw new Error(
      `factsync sync exited with ${code}:\n${sync.stdout().slice(-2000)}\n${sync.stderr().slice(-2000)}`,
    );
  const run = await withStore(install, (store) => store.getRun(runId));
  if (!run?.finishedAt) throw new Error(`run ${runId} has no finished record`);
  const wallSeconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  const check = extra.check ? await extra.check(run) : undefined;
  const result: NightResult = {
    scenario,
    label,
    latencyMs: install.fake.latencyMs,
    runId,
    wallSeconds,
    commandSeconds,
    entities: run.counts.seen,
    entitiesPerSecond: run.counts.seen / wallSeconds,
    counts: { ...run.counts },
    proposals: {
      created: run.proposals.created,
      seen: run.proposals.seen,
      resolved: run.proposals.resolved,
      superseded: run.proposals.superseded,
    },
    failures: run.failures.length,
    runRequests: run.requests as Record<string, Counter>,
    ...(run.plan
      ? {
          plan: {
            strategy: run.plan.strategy,
            reason: run.plan.reason,
            estimates: run.plan.estimates,
            feedRows: Object.fromEntries(Object.entries(run.plan.feeds ?? {}).map(([w, f]) => [w, f.rows])),
          },
        }
      : {}),
    ...after.fake,
    workers: after.workers,
    fakeCpuSeconds: after.fakeCpuSeconds,
    ...(after.redisCpuSeconds === undefined ? {} : { redisCpuSeconds: after.redisCpuSeconds }),
    machineBusySeconds: after.machineBusySeconds,
    ownCpuSeconds: after.ownCpuSeconds,
    loadAverage: after.loadAverage,
    redis: after.redis,
    ...(check ? { check } : {}),
    ...(stream ? { stream } : {}),
    redisFamilies: families,
  };
  const requests = Object.values(run.requests).reduce((n, r) => n + r.requests, 0);
  progress(
    `${install.label}: ${label}: ${run.plan?.strategy ?? '?'} (${run.plan?.reason ?? ''}), ${wallSeconds.toFixed(1)} s, ${Math.round(result.entitiesPerSecond)} entities/s, ` +
      `${run.counts.fetched} fetched, ${run.counts.unchanged} unchanged, ${run.counts.failed} failed, ${requests} requests ` +
      `(fake: ${after.fake.fakeTotal.requests}); peak RSS ${after.workers.map((w) => w.peakMiB.toFixed(0)).join(' / ')} MiB; ` +
      `CPU workers ${after.workers.map((w) => w.cpuSeconds.toFixed(1)).join(' + ')} s, fake ${after.fakeCpuSeconds.toFixed(1)} s; ` +
      `machine busy ${after.machineBusySeconds.toFixed(0)} core-s (ours ${after.ownCpuSeconds.toFixed(0)})`,
  );
  if (run.failures.length > 0) progress(`  failures: ${JSON.stringify(run.failures.slice(0, 3))}`);
  return result;
}

/**
 * A day passes in the fake's world between nights: its change feeds fill with a day of background
 * edits (600,000 on Wikidata, 100,000 on each Wikipedia), as the real ones would.
 */
async function nextDay(install: Install, watch?: StreamWatch): Promise<void> {
  if (watch) return watch.nextDay();
  const answer = await install.fake.control('advanceClock', { ms: 86_400_000 });
  progress(`fake: a day later (${String(answer.now)})`);
}

/** Empties Redis as a restart without persistence would: all of it when the Redis is the bench's own. */
async function flushRedis(ctx: Context, install: Install): Promise<void> {
  if (ctx.redisServer.private) await ctx.redis.flushall();
  else await dropPrefix(ctx.redis, install.prefix);
  progress(`redis: ${ctx.redisServer.private ? 'FLUSHALL' : `dropped every key under ${install.prefix}`}`);
}

// ---------------------------------------------------------------------------------------------------
// The changed night: which items the fake changes, and whether their proposals are there

/** The fake's `changeFraction` selection, recomputed here (it is deterministic from the seed). */
function changedIndexes(entities: number, fraction: number, seed: number, valueShare: number) {
  const changed: number[] = [];
  const valueChanged: number[] = [];
  for (let index = 0; index < entities; index++) {
    if (unitHash(seed, index, 'change') >= fraction) continue;
    changed.push(index);
    if (unitHash(seed, index, 'change-value') < valueShare) valueChanged.push(index);
  }
  return { changed, valueChanged };
}

async function changeAndCheck(ctx: Context, install: Install, entities: number) {
  const { options } = ctx;
  const answer = await install.fake.control('changeFraction', {
    fraction: options.changed,
    seed: CHANGE_SEED,
    valueShare: options.valueShare,
  });
  const mine = changedIndexes(entities, options.changed, CHANGE_SEED, options.valueShare);
  const firstIds = (answer.ids as string[] | undefined) ?? [];
  const selectionVerified =
    answer.changed === mine.changed.length &&
    firstIds.every((id, i) => id === `Q${1_000_000 + (mine.changed[i] ?? -1)}`);
  progress(
    `fake: changeFraction(${options.changed}) changed ${String(answer.changed)} items, ${mine.valueChanged.length} of them with a new website` +
      (selectionVerified ? '' : " — WARNING: the benchmark could not reproduce the fake's selection"),
  );
  return async (run: RunRecord): Promise<ChangeCheck> => {
    const missing: string[] = [];
    let withProposal = 0;
    await withStore(install, async (store) => {
      for (const index of mine.valueChanged) {
        const key = `gen-${index}`;
        const wanted = `changed-${CHANGE_SEED}-${index}.example.org`;
        const { proposals } = await store.list(
          { entity: key, field: ['website'], status: ['open'] },
          { limit: 20 },
        );
        if (
          proposals.some(
            (p) => JSON.stringify(p.remote).includes(wanted) && (p.kind === 'update' || p.kind === 'add'),
          )
        )
          withProposal++;
        else missing.push(key);
      }
    });
    if (run.counts.fetched < mine.changed.length)
      progress(
        `  ! the changed night fetched ${run.counts.fetched} entities, fewer than the ${mine.changed.length} changed`,
      );
    if (options.coolingOff)
      progress(
        `  cooling-off: ${run.proposals.waiting ?? 0} fields waiting, ${run.requests['query-revisions']?.requests ?? 0} prop=revisions requests`,
      );
    else if (missing.length > 0)
      progress(
        `  ! ${missing.length} changed entities lack their new proposal: ${missing.slice(0, 10).join(', ')}`,
      );
    return {
      changed: Number(answer.changed ?? mine.changed.length),
      valueChanged: mine.valueChanged.length,
      withProposal,
      missing: missing.slice(0, 50),
      selectionVerified,
    };
  };
}

// ---------------------------------------------------------------------------------------------------
// The per-entity baseline, in a child process

function perEntityStep(options: Options, entities: number): number {
  return options.perEntityStep ?? (entities <= 10_000 ? 1 : 20);
}

async function perEntityBaseline(ctx: Context, fake: FakeChild, entities: number): Promise<NightResult> {
  const step = perEntityStep(ctx.options, entities);
  const asked = Math.ceil(entities / step);
  const label =
    step === 1 ? 'baseline: 1 request per entity' : `baseline: 1 request per entity (1 in ${step}, scaled)`;
  progress(
    `baseline: one wbgetentities request per entity, ${asked} entities, ${ctx.options.httpConcurrency} in flight…`,
  );
  const before = await snapshotBefore(ctx, fake, []);
  const sampler = startSampler(ctx, []);
  const child = spawnNode('per-entity baseline', [
    '--import',
    'tsx',
    SELF,
    '--child',
    'per-entity',
    '--url',
    fake.wikidataUrl,
    '--count',
    String(entities),
    '--step',
    String(step),
    '--concurrency',
    String(ctx.options.httpConcurrency),
  ]);
  const { code } = await child.exited;
  const sampled = await sampler.stop();
  const last = child.stdout().trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{'))
    throw new Error(`per-entity baseline exited with ${code}: ${child.stderr().slice(-2000)}`);
  const client = JSON.parse(last) as PerEntityResult;
  const after = await snapshotAfter(ctx, fake, [], before, sampled, client.cpuSeconds);
  progress(
    `baseline per entity: ${client.requests} requests in ${client.seconds.toFixed(1)} s (${client.failures} failed), ` +
      `client CPU ${client.cpuSeconds.toFixed(1)} s, fake CPU ${after.fakeCpuSeconds.toFixed(1)} s`,
  );
  return {
    scenario: 'per-entity',
    label,
    latencyMs: fake.latencyMs,
    wallSeconds: client.seconds,
    entities: asked,
    entitiesPerSecond: asked / client.seconds,
    runRequests: { 'wbgetentities (1 id)': { requests: client.requests, bytes: client.bytes } },
    ...after.fake,
    workers: [],
    fakeCpuSeconds: after.fakeCpuSeconds,
    ...(after.redisCpuSeconds === undefined ? {} : { redisCpuSeconds: after.redisCpuSeconds }),
    machineBusySeconds: after.machineBusySeconds,
    ownCpuSeconds: after.ownCpuSeconds,
    loadAverage: after.loadAverage,
    redis: after.redis,
    sample: { entities: asked, scale: step },
    client: {
      cpuSeconds: client.cpuSeconds,
      peakRssMiB: client.peakRssMiB,
      failures: client.failures,
      ...(client.sampleFailure ? { sampleFailure: client.sampleFailure } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// One entity count

function machine(): Machine {
  const cpu =
    /^model name\s*:\s*(.*)$/m.exec(
      spawnSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' }).stdout ?? '',
    )?.[1] ??
    os.cpus()[0]?.model ??
    '?';
  const free = spawnSync('free', ['-h'], { encoding: 'utf8' }).stdout ?? '';
  // `free -h`: "Mem: total used free shared buff/cache available" and "Swap: total used free".
  const mem = /^Mem:(.*)$/m.exec(free)?.[1]?.trim().split(/\s+/);
  const swap = /^Swap:(.*)$/m.exec(free)?.[1]?.trim().split(/\s+/)[0];
  return {
    nproc: os.availableParallelism(),
    cpu: `\`${cpu.trim()}\``,
    memory: mem
      ? `\`free -h\`: ${mem[0]} total, ${mem[5]} available, swap ${swap ?? '?'}`
      : `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

/** The command as it was given, and the same for this count alone. */
function commandLine(entities: number): { command: string; commandAlone?: string } {
  const given = process.argv.slice(2);
  const others = given.filter(
    (arg, i, all) => arg !== '--entities' && all[i - 1] !== '--entities' && !arg.startsWith('--entities='),
  );
  const asGiven = `npm run bench:sync${given.length ? ` -- ${given.join(' ')}` : ''}`;
  const alone = `npm run bench:sync -- --entities ${entities}${others.length ? ` ${others.join(' ')}` : ''}`;
  return { command: asGiven, ...(asGiven === alone ? {} : { commandAlone: alone }) };
}

async function benchSize(ctx: Context, entities: number): Promise<SizeResult> {
  const { options } = ctx;
  const startedAt = new Date();
  const loadStart = os.loadavg();
  const started = performance.now();
  const notes: string[] = [];
  const data = await ensureData(options, entities);
  const rows: NightResult[] = [];
  const nights = options.only !== 'baselines';
  const baselines = options.only !== 'nights';

  const fake = await startFakeChild({ entities, latencyMs: options.latencyMs, seed: options.seed });
  progress(
    `fake Wikimedia at ${fake.url} (pid ${fake.child.pid}), ${entities} entities, ${options.latencyMs} ms latency`,
  );
  try {
    const install = await createInstall(options, 'main', entities, data, fake, ctx.redisServer.url);
    let watch: StreamWatch | undefined;
    try {
      // The watcher runs across the nights, from before the first one (sync-stream.ts).
      if (options.stream) watch = await StreamWatch.start(install, ctx.redis);
      const w = watch ? { watch } : {};
      const tag = watch ? ', stream' : '';
      if (nights) {
        rows.push(await night(ctx, install, 'first', `night 1: first (full)${tag}`, w));
        await nextDay(install, watch);
        rows.push(await night(ctx, install, 'unchanged', `night 2: unchanged${tag}`, w));
        await nextDay(install, watch);
        if (options.flush) {
          await flushRedis(ctx, install);
          // Listed as an unchanged night: the tables keep night 2's figures (the first of the kind).
          rows.push(
            await night(ctx, install, 'unchanged', `night 2b: unchanged, after a Redis flush${tag}`, w),
          );
          await nextDay(install, watch);
        }
        const check = await changeAndCheck(ctx, install, entities);
        await watch?.caughtUp('the changed items’ edits');
        rows.push(
          await night(
            ctx,
            install,
            'changed',
            `night 3: ${+(options.changed * 100).toFixed(2)}% changed${tag}`,
            {
              check,
              ...w,
            },
          ),
        );
      }
      if (baselines) {
        if (nights) await nextDay(install, watch);
        const full = await night(ctx, install, 'full', 'baseline: full fetch (`sync --full`)', {
          full: true,
          ...w,
        });
        rows.push(full);
        if (nights && full.proposals) {
          const p = full.proposals;
          const clean = p.created === 0 && p.resolved === 0 && p.superseded === 0;
          notes.push(
            `Completeness of the changed night: the full fetch that followed it found ${p.created} new, ${p.resolved} resolved and ${p.superseded} superseded proposals (${clean ? 'none: the incremental nights missed nothing' : '**the incremental nights missed these**'}).`,
          );
        } else if (!nights) {
          notes.push(
            'The full-fetch baseline ran on a fresh installation (no earlier night): its proposals are all new.',
          );
        }
        rows.push(await perEntityBaseline(ctx, fake, entities));
      }
    } finally {
      await watch?.stop();
      await closeInstall(install, ctx.redis);
    }
  } finally {
    await fake.stop();
  }

  if (nights && options.zeroLatency && options.latencyMs !== 0) {
    const fast = await startFakeChild({ entities, latencyMs: 0, seed: options.seed });
    progress(`fake Wikimedia with no latency at ${fast.url} (pid ${fast.child.pid})`);
    try {
      const install = await createInstall(options, 'zero-latency', entities, data, fast, ctx.redisServer.url);
      try {
        rows.push(await night(ctx, install, 'first-0ms', 'first night at 0 ms latency'));
      } finally {
        await closeInstall(install, ctx.redis);
      }
    } finally {
      await fast.stop();
    }
  }
  if (options.stream) notes.push(STREAM_NOTE);
  const step = perEntityStep(options, entities);
  if (baselines && step > 1)
    notes.push(
      `The per-entity baseline asked for 1 entity in ${step} (${Math.ceil(entities / step).toLocaleString('en-US')} requests); its requests, bytes and time are scaled up ×${step}.`,
    );
  if (!ctx.redisServer.private)
    notes.push('Redis was shared (--redis-url): its memory figures include whatever else it holds.');
  return {
    entities,
    date: startedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    ...commandLine(entities),
    machine: machine(),
    settings: {
      'fake latency (ms)': options.latencyMs,
      workers: options.workers,
      ...(options.workerNodeArgs.length ? { 'worker node arguments': options.workerNodeArgs.join(' ') } : {}),
      'worker.concurrency': options.workerConcurrency ?? 'config default (4)',
      'http.concurrency': options.httpConcurrency,
      'http.ratePerSecond': options.rate,
      'changed share': options.changed,
      'value share of the changed': options.valueShare,
      seed: options.seed,
      'fake recent changes/day': '600,000 (default)',
      ...(options.stream
        ? { 'live stream': `factsync watch across the nights; the clock moved in ${STEP_HOURS} h steps` }
        : {}),
    },
    data: {
      file: path.relative(ROOT, data.file),
      bytes: data.bytes,
      ...(data.generatedSeconds === undefined ? {} : { generatedSeconds: data.generatedSeconds }),
    },
    loadStart,
    loadEnd: os.loadavg(),
    totalSeconds: (performance.now() - started) / 1000,
    rows,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------------
// Results: kept per entity count in the work folder, so a rerun of one count keeps the others

async function saveResults(options: Options, fresh: readonly SizeResult[]): Promise<SizeResult[]> {
  const file = path.join(options.dir, 'results.json');
  let stored: Record<string, SizeResult> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, SizeResult>;
  } catch {
    // First run.
  }
  for (const result of fresh) {
    // A rerun of part of a count (--only nights, say) keeps what the earlier run measured of the rest.
    const before = stored[String(result.entities)];
    const kept = (before?.rows ?? []).filter((row) => !result.rows.some((r) => r.scenario === row.scenario));
    stored[String(result.entities)] =
      kept.length === 0
        ? result
        : {
            ...result,
            rows: [...result.rows, ...kept],
            notes: [
              ...result.notes,
              `Kept from the run of ${before?.date}: ${kept.map((row) => row.label).join(', ')}.`,
              ...(before?.notes ?? []).filter((note) => note.startsWith('The per-entity baseline')),
            ],
          };
  }
  await mkdir(options.dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`);
  return Object.values(stored);
}

function checkBuild(): void {
  const entry = path.join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(entry))
    throw new Error('dist/ is missing: run `npm run build` first (the workers run the built CLI)');
  const built = statSync(entry).mtimeMs;
  const newer = spawnSync('find', [path.join(ROOT, 'src'), '-newer', entry, '-name', '*.ts'], {
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter(Boolean);
  if (newer.length > 0 && built > 0)
    progress(
      `warning: ${newer.length} file(s) in src/ are newer than dist/ (${path.relative(ROOT, newer[0] ?? '')}…): \`npm run build\` to measure them`,
    );
}

async function runParent(options: Options): Promise<void> {
  checkBuild();
  await mkdir(options.dir, { recursive: true });
  const redisServer: RedisServer = options.redisUrl
    ? { url: options.redisUrl, private: false, stop: async () => undefined }
    : await startPrivateRedis(options.dir);
  progress(
    `Redis: ${redisServer.url}${redisServer.private ? ` (private redis-server, pid ${redisServer.pid})` : ''}`,
  );
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 3 });
  const ctx: Context = { options, redis, redisServer };
  const results: SizeResult[] = [];
  // A signal stops the children; the run then fails where it stands and unwinds through the clean-up
  // below (Redis prefixes dropped, redis-server stopped). A second signal exits at once.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping every child process, then cleaning up`);
    process.exitCode = 130;
    process.once(signal, () => process.exit(130));
    void stopAll();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    for (const entities of options.entities) {
      const result = await benchSize(ctx, entities);
      results.push(result);
      process.stdout.write(`\n### ${entities.toLocaleString('en-US')} entities\n\n${renderTable(result)}\n`);
      for (const note of result.notes) process.stdout.write(`\n- ${note}\n`);
      // Saved after each count, so a long run that is stopped keeps what it measured.
      await writeResults(options, await saveResults(options, [result]));
    }
    process.stdout.write(`\n### Targets\n\n${renderTargets(await saveResults(options, []))}\n`);
    if (options.results) progress(`results written to ${path.relative(ROOT, options.results)}`);
  } finally {
    await killChildren();
    for (const prefix of prefixes) {
      const dropped = await dropPrefix(redis, prefix).catch(() => 0);
      progress(`dropped ${dropped} Redis keys under ${prefix}`);
    }
    redis.disconnect();
    await redisServer.stop();
  }
}

async function writeResults(options: Options, all: readonly SizeResult[]): Promise<void> {
  if (!options.results) return;
  let existing: string | undefined;
  try {
    existing = await readFile(options.results, 'utf8');
  } catch {
    existing = undefined;
  }
  await writeFile(options.results, mergeInto(existing, renderGenerated(all)));
}

async function renderOnly(options: Options): Promise<void> {
  const all = await saveResults(options, []);
  if (all.length === 0) throw new Error(`no results in ${path.join(options.dir, 'results.json')}`);
  await writeResults(options, all);
  process.stdout.write(`${renderTargets(all)}\n`);
  if (options.results) progress(`results written to ${path.relative(ROOT, options.results)}`);
}

async function main(): Promise<void> {
  const { options, values } = parseOptions(process.argv.slice(2));
  if (values['render-only']) return renderOnly(options);
  if (values.child === undefined) return runParent(options);
  if (values.child !== 'per-entity' || !values.url) throw new Error('--child per-entity needs --url');
  const result = await runPerEntity({
    wikidataUrl: values.url,
    count: integer(values.count, 1, 'count'),
    step: integer(values.step, 1, 'step'),
    concurrency: integer(values.concurrency, 8, 'concurrency'),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = process.exitCode === 130 ? 130 : 1;
  void killChildren();
});
