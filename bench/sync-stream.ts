// The live change stream in the sync benchmark (`bench/sync.ts --stream`): a `factsync watch` process
// beside the workers, started before the first night and running across the nights. When the fake's
// clock moves a day, its stream carries that day's edits at once (600,000 on Wikidata, 100,000 on each
// Wikipedia with a feed); before the next night the benchmark waits until the watcher has caught up —
// the span it says it covered (Redis, watchKeys(prefix).covered) reaches the fake's time — and records
// how long that took, the events the fake sent meanwhile (its /__stats `stream` counters), the
// watcher's CPU time and its peak RSS. The night itself is measured as without the stream: the stream
// costs no API request, so its requests are the planner's polls of whatever the stream did not cover.
//
// The fake materialises at most 100,000 background events per wiki each time its stream catches up
// with its clock (MAX_BACKGROUND_STEP in dev/fake-wikimedia/src/event-stream.ts): a day moved at once
// would stream only Wikidata's first ~4 hours. So the day is moved in STEP_HOURS steps, each waited
// for, and every one of the day's events reaches the watcher.

import type { Redis } from 'ioredis';
import { STREAM_PATH } from '../dev/fake-wikimedia/src/stream-http.js';
import { watchKeys } from '../src/redis-keys.js';
import {
  type Child,
  CLI,
  type FakeChild,
  type FakeStats,
  procCpuSeconds,
  procStatus,
  progress,
  resetPeak,
  spawnNode,
} from './sync-procs.js';
import type { StreamFigures, StreamServed } from './sync-report.js';

/** The clock moves a day in steps of this many hours (Wikidata: 75,000 background edits a step). */
export const STEP_HOURS = 3;
const HOUR_MS = 3_600_000;
/** A watcher that has not caught up with one step after this long is taken for stuck. */
const CATCH_UP_TIMEOUT_MS = 60 * 60_000;
const POLL_MS = 200;
const PROGRESS_MS = 15_000;

/** The note a --stream run's results carry. */
export const STREAM_NOTE = `With the live stream (--stream): one \`factsync watch\` process read the fake's recentchange stream from before night 1; each day was moved in ${STEP_HOURS} h steps, the benchmark waiting after each until the span the watcher covered reached the fake's time (its catch-up time, events and CPU are in the "stream" rows; its CPU is not in the workers' figures). The stream costs no API request: a night's recentchanges requests are the planner's polls of what the stream did not cover.`;

/** The fake's stream URL (what `watch.url` is set to). */
export const streamUrlOf = (fake: Pick<FakeChild, 'url'>) => `${fake.url}${STREAM_PATH}`;

const NONE: StreamServed = { connections: 0, events: 0, bytes: 0 };

async function served(fake: FakeChild): Promise<StreamServed> {
  const stats = (await fake.stats()) as FakeStats & { stream?: StreamServed };
  return stats.stream ?? NONE;
}

const minus = (a: StreamServed, b: StreamServed): StreamServed => ({
  connections: a.connections - b.connections,
  events: a.events - b.events,
  bytes: a.bytes - b.bytes,
});

interface CatchUp {
  readonly seconds: number;
  readonly events: number;
  readonly cpuSeconds: number;
  /** The fake's CPU meanwhile: it generates and sends the events (which of the two limits the pace). */
  readonly fakeCpuSeconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export interface WatchInstall {
  readonly configFile: string;
  readonly env: Record<string, string>;
  readonly prefix: string;
  readonly fake: FakeChild;
}

export class StreamWatch {
  /** Catch-ups since the last night ended. */
  private pending: CatchUp[] = [];
  private periodStart: StreamServed = NONE;
  private night?: { readonly cpu: number; readonly served: StreamServed; readonly started: number };

  private constructor(
    readonly child: Child,
    private readonly redis: Redis,
    private readonly install: WatchInstall,
  ) {}

  /** Starts `factsync watch` and waits until it has covered a first stretch of the stream. */
  static async start(install: WatchInstall, redis: Redis): Promise<StreamWatch> {
    const child = spawnNode('factsync watch', [CLI, '--config', install.configFile, 'watch'], {
      env: install.env,
    });
    await child.waitForOutput(/factsync watch \d+ started/, 60_000);
    const watch = new StreamWatch(child, redis, install);
    watch.periodStart = await served(install.fake);
    resetPeak(child.pid);
    await watch.waitUntil(await watch.fakeNow(), 'its first events');
    progress(`stream: factsync watch (pid ${child.pid}) reads ${streamUrlOf(install.fake)}`);
    return watch;
  }

  /** The fake's time now (advancing its clock by nothing). */
  private async fakeNow(): Promise<number> {
    return Date.parse(String((await this.install.fake.control('advanceClock', { ms: 0 })).now));
  }

  /** The spans the watcher covered, by wiki (epoch ms). */
  async covered(): Promise<Record<string, { from: number; to: number }>> {
    const spans: Record<string, { from: number; to: number }> = {};
    for (const [wiki, text] of Object.entries(
      await this.redis.hgetall(watchKeys(this.install.prefix).covered),
    )) {
      const [from, to] = text.split('|').map(Number);
      spans[wiki] = { from: from ?? Number.NaN, to: to ?? Number.NaN };
    }
    return spans;
  }

  /** Waits until the watcher's Wikidata span reaches `target` (epoch ms of the fake's clock). */
  private async waitUntil(target: number, what: string): Promise<CatchUp> {
    const { child } = this;
    const cpu = procCpuSeconds(child.pid) ?? 0;
    const fakePid = this.install.fake.child.pid;
    const fakeCpu = procCpuSeconds(fakePid) ?? 0;
    const before = await served(this.install.fake);
    const started = performance.now();
    let said = started;
    for (;;) {
      const to = (await this.covered()).wikidata?.to;
      if (to !== undefined && to >= target) break;
      if (!child.running())
        throw new Error(`factsync watch exited while catching up:\n${child.stderr().slice(-2000)}`);
      const now = performance.now();
      if (now - started > CATCH_UP_TIMEOUT_MS)
        throw new Error(
          `factsync watch did not catch up with ${what} in ${CATCH_UP_TIMEOUT_MS / 60_000} min (covered to ${to === undefined ? 'nothing' : iso(to)}, target ${iso(target)})`,
        );
      if (now - said >= PROGRESS_MS) {
        said = now;
        const sent = (await served(this.install.fake)).events - before.events;
        progress(
          `  stream: catching up with ${what}: covered to ${to === undefined ? '–' : iso(to)} (target ${iso(target)}), ${sent} events sent in ${((now - started) / 1000).toFixed(0)} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return {
      seconds: (performance.now() - started) / 1000,
      events: (await served(this.install.fake)).events - before.events,
      cpuSeconds: (procCpuSeconds(child.pid) ?? 0) - cpu,
      fakeCpuSeconds: (procCpuSeconds(fakePid) ?? 0) - fakeCpu,
    };
  }

  /** A day passes in the fake's world, in STEP_HOURS steps, the watcher caught up after each. */
  async nextDay(): Promise<void> {
    const steps = Math.round(24 / STEP_HOURS);
    let now = 0;
    for (let step = 1; step <= steps; step++) {
      now = Date.parse(
        String((await this.install.fake.control('advanceClock', { ms: STEP_HOURS * HOUR_MS })).now),
      );
      this.pending.push(await this.waitUntil(now, `step ${step}/${steps} of the day`));
    }
    const day = this.pending.slice(-steps);
    const seconds = day.reduce((n, c) => n + c.seconds, 0);
    const events = day.reduce((n, c) => n + c.events, 0);
    const sum = (value: (c: CatchUp) => number) => day.reduce((n, c) => n + value(c), 0).toFixed(1);
    progress(
      `fake: a day later (${iso(now)}); the watcher caught up in ${seconds.toFixed(1)} s, ${events} events (${(events / seconds).toFixed(0)}/s), CPU: watcher ${sum((c) => c.cpuSeconds)} s, fake ${sum((c) => c.fakeCpuSeconds)} s`,
    );
  }

  /** Waits until the watcher has read what the fake recorded so far (the changed night's edits). */
  async caughtUp(what: string): Promise<void> {
    const catchUp = await this.waitUntil(await this.fakeNow(), what);
    this.pending.push(catchUp);
    progress(`stream: caught up with ${what} in ${catchUp.seconds.toFixed(1)} s (${catchUp.events} events)`);
  }

  /** Before a night's `factsync sync`. */
  async beginNight(): Promise<void> {
    if (!this.child.running())
      throw new Error(`factsync watch is not running:\n${this.child.stderr().slice(-2000)}`);
    this.night = {
      cpu: procCpuSeconds(this.child.pid) ?? 0,
      served: await served(this.install.fake),
      started: performance.now(),
    };
  }

  /** After the night: what the watcher did since the last night ended (its catch-ups, the night). */
  async endNight(): Promise<StreamFigures> {
    const night = this.night;
    if (!night) throw new Error('endNight without beginNight');
    const now = await served(this.install.fake);
    const status = procStatus(this.child.pid);
    const covered = await this.covered();
    const catchUps = this.pending;
    const figures: StreamFigures = {
      ...(catchUps.length
        ? {
            catchUp: {
              seconds: catchUps.reduce((n, c) => n + c.seconds, 0),
              events: catchUps.reduce((n, c) => n + c.events, 0),
              cpuSeconds: catchUps.reduce((n, c) => n + c.cpuSeconds, 0),
              fakeCpuSeconds: catchUps.reduce((n, c) => n + c.fakeCpuSeconds, 0),
              waits: catchUps.length,
            },
          }
        : {}),
      night: {
        seconds: (performance.now() - night.started) / 1000,
        events: now.events - night.served.events,
        cpuSeconds: (procCpuSeconds(this.child.pid) ?? 0) - night.cpu,
      },
      served: minus(now, this.periodStart),
      rssEndMiB: (status?.rssKiB ?? 0) / 1024,
      peakMiB: (status?.peakKiB ?? 0) / 1024,
      covered: Object.fromEntries(
        Object.entries(covered).map(([wiki, span]) => [wiki, `${iso(span.from)} → ${iso(span.to)}`]),
      ),
    };
    progress(
      `  stream: watcher CPU ${figures.night.cpuSeconds.toFixed(1)} s during the night, peak RSS ${figures.peakMiB.toFixed(0)} MiB; ${figures.served.events} events sent since the last night`,
    );
    this.pending = [];
    this.periodStart = now;
    this.night = undefined;
    resetPeak(this.child.pid);
    return figures;
  }

  async stop(): Promise<void> {
    await this.child.stop(20_000);
  }
}
