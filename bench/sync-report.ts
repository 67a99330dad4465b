// What the sync benchmark measured, and how it is shown: a Markdown table per entity count (one column
// per night or baseline, one row per figure), the issue's targets beside the measured (or extrapolated)
// figures, and the generated part of bench/RESULTS.md.

import { ANONYMOUS_BUDGET_PER_HOUR, TOKEN_BUDGET_PER_HOUR } from '../src/config.js';
import type { FamilyUsage } from './redis-breakdown.js';

export interface Counter {
  requests: number;
  bytes: number;
}

export interface ProcFigures {
  readonly name: string;
  readonly rssStartMiB: number;
  readonly rssEndMiB: number;
  /** The process's peak RSS during this night (VmHWM reset at its start), or the sampled maximum. */
  readonly peakMiB: number;
  readonly peakSource: 'VmHWM' | 'sampled';
  /** The largest RSS sampled (every 200 ms), and when: 0 at the night's start, 1 at its end. */
  readonly sampledPeakMiB?: number;
  readonly sampledPeakWhen?: number;
  readonly cpuSeconds: number;
}

export interface ChangeCheck {
  /** Items the fake changed (a new revision each). */
  readonly changed: number;
  /** Of those, items that also got a new website (P856). */
  readonly valueChanged: number;
  /** Value-changed items whose open website proposal holds the new value. */
  readonly withProposal: number;
  readonly missing: readonly string[];
  /** Whether the benchmark's copy of the fake's selection matched what the fake reported. */
  readonly selectionVerified: boolean;
}

/** What the fake's EventStreams stream sent (its /__stats `stream`): no API requests. */
export interface StreamServed {
  connections: number;
  events: number;
  bytes: number;
}

/** `factsync watch` beside the night (--stream, bench/sync-stream.ts), since the previous night ended. */
export interface StreamFigures {
  /** Waiting for the watcher to catch up after the clock moved (and after the changed items' edits). */
  readonly catchUp?: {
    seconds: number;
    events: number;
    cpuSeconds: number;
    /** The fake's CPU meanwhile (it generates and sends the events). */
    fakeCpuSeconds?: number;
    waits: number;
  };
  /** While the night's `factsync sync` ran. */
  readonly night: { seconds: number; events: number; cpuSeconds: number };
  /** Everything the fake's stream sent since the previous night ended. */
  readonly served: StreamServed;
  readonly rssEndMiB: number;
  /** The watcher's peak RSS (VmHWM) since the previous night ended. */
  readonly peakMiB: number;
  /** The span the watcher says it covered, by wiki, at the night's end. */
  readonly covered: Record<string, string>;
}

export type Scenario = 'first' | 'unchanged' | 'changed' | 'full' | 'per-entity' | 'first-0ms';

export interface NightResult {
  readonly scenario: Scenario;
  readonly label: string;
  readonly latencyMs: number;
  readonly runId?: string;
  /** Run record: startedAt → finishedAt. */
  readonly wallSeconds: number;
  /** The `factsync sync` command from start to exit (process start-up included). */
  readonly commandSeconds?: number;
  readonly entities: number;
  readonly entitiesPerSecond: number;
  readonly counts?: Record<string, number>;
  readonly proposals?: { created: number; seen: number; resolved: number; superseded: number };
  readonly failures?: number;
  /** The run record's requests and bytes by endpoint (factsync's own tally). */
  readonly runRequests?: Record<string, Counter>;
  /** The planner's choice: strategy, why, its estimates, and the feed rows read by wiki. */
  readonly plan?: {
    strategy: string;
    reason: string;
    estimates: { sweep: number; feed?: number };
    feedRows: Record<string, number>;
  };
  /** What the fake served meanwhile, by endpoint. */
  readonly fakeRequests: Record<string, Counter>;
  readonly fakeTotal: Counter;
  readonly fakeStatuses: Record<string, number>;
  /** Ids (Wikidata) and titles (Wikipedia) asked for, over all requests. */
  readonly fakeAsked?: { ids: number; titles: number };
  readonly workers: readonly ProcFigures[];
  readonly fakeCpuSeconds: number;
  readonly redisCpuSeconds?: number;
  /** Core-seconds the whole machine was busy during the night, and how many of those were the benchmark's processes. */
  readonly machineBusySeconds: number;
  readonly ownCpuSeconds: number;
  readonly loadAverage: number;
  readonly redis: {
    usedEndMiB: number;
    peakSampledMiB: number;
    serverPeakHuman: string;
    usedStartMiB: number;
  };
  readonly check?: ChangeCheck;
  readonly stream?: StreamFigures;
  /** Redis's MEMORY USAGE by key family after the night (bench/redis-breakdown.ts). */
  readonly redisFamilies?: readonly FamilyUsage[];
  /** For the per-entity baseline: how much of the store was asked for (figures are scaled up by `scale`). */
  readonly sample?: { readonly entities: number; readonly scale: number };
  readonly client?: { cpuSeconds: number; peakRssMiB: number; failures: number; sampleFailure?: string };
}

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly memory: string;
  readonly node: string;
  readonly kernel: string;
}

export interface SizeResult {
  readonly entities: number;
  readonly date: string;
  readonly command: string;
  /** The same command for this entity count alone, when the command measured several. */
  readonly commandAlone?: string;
  readonly machine: Machine;
  readonly settings: Record<string, string | number | boolean>;
  readonly data: { bytes: number; generatedSeconds?: number; file: string };
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
  readonly totalSeconds: number;
  readonly rows: readonly NightResult[];
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function bytesText(n: number): string {
  if (n >= 1024 * 1024) return `${fixed(n / (1024 * 1024), 1)} MiB`;
  if (n >= 1024) return `${fixed(n / 1024, 1)} KiB`;
  return `${fixed(n, 0)} B`;
}

export function duration(seconds: number): string {
  if (seconds < 120) return `${fixed(seconds, 1)} s`;
  if (seconds < 7200) return `${fixed(seconds / 60, 1)} min`;
  return `${fixed(seconds / 3600, 1)} h`;
}

/** Short names for the endpoints, as factsync tallies them and as the fake counts them. */
const SHORT: Record<string, string> = {
  'query-info': 'query-info (revisions)',
  'wikipedia-pages': 'wikipedia-pages',
  wbgetentities: 'wbgetentities',
  'wbgetentities-labels': 'wbgetentities-labels',
  'query-info-wikidata': 'wikidata query-info',
  'query-pages-wikipedia': 'wikipedia query',
  recentchanges: 'recentchanges',
};

const totalOf = (counters: Record<string, Counter> | undefined): Counter =>
  Object.values(counters ?? {}).reduce(
    (a, c) => ({ requests: a.requests + c.requests, bytes: a.bytes + c.bytes }),
    {
      requests: 0,
      bytes: 0,
    },
  );

function scaled(row: NightResult, n: number): number {
  return n * (row.sample?.scale ?? 1);
}

/** "1,234 req · 0.02/entity · 310 B/entity" for one endpoint of one night. */
function endpointCell(row: NightResult, counter: Counter | undefined, entities: number): string {
  if (!counter || counter.requests === 0) return '–';
  const requests = scaled(row, counter.requests);
  const bytes = scaled(row, counter.bytes);
  return `${int(requests)} · ${fixed(requests / entities, 3)}/e · ${bytesText(bytes / entities)}/e`;
}

/** http.budgetPerHour `auto`: without and with a token. */
const [ANONYMOUS_BUDGET, TOKEN_BUDGET] = [ANONYMOUS_BUDGET_PER_HOUR, TOKEN_BUDGET_PER_HOUR];

/** Requests a run needs at the default politeness (http.ratePerSecond 5), as time. */
export const POLITE_RATE = 5;

function totalRequests(row: NightResult): number {
  return scaled(row, row.runRequests ? totalOf(row.runRequests).requests : row.fakeTotal.requests);
}

export function renderTable(result: SizeResult): string {
  const rows = result.rows;
  const N = result.entities;
  const cores = result.machine.nproc;
  const header = ['', ...rows.map((r) => r.label)];
  const lines: string[][] = [];
  const add = (name: string, cell: (row: NightResult) => string) => lines.push([name, ...rows.map(cell)]);
  add('fake latency', (r) => `${r.latencyMs} ms`);
  add('wall time (run record)', (r) =>
    r.sample && r.sample.scale > 1
      ? `${duration(r.wallSeconds * r.sample.scale)} (scaled from ${duration(r.wallSeconds)})`
      : duration(r.wallSeconds),
  );
  add('`factsync sync` command, start to exit', (r) =>
    r.commandSeconds === undefined ? '–' : duration(r.commandSeconds),
  );
  add('entities/s', (r) => int(r.entitiesPerSecond));
  add("planner's strategy (why)", (r) => (r.plan ? `${r.plan.strategy} (${r.plan.reason})` : '–'));
  add('change feed rows read', (r) =>
    r.plan && Object.keys(r.plan.feedRows).length
      ? Object.entries(r.plan.feedRows)
          .map(([wiki, n]) => `${wiki} ${int(n)}`)
          .join(', ')
      : '–',
  );
  add('entities seen / fetched / unchanged / failed / unreadable records', (r) =>
    r.counts
      ? `${int(r.counts.seen ?? 0)} / ${int(r.counts.fetched ?? 0)} / ${int(r.counts.unchanged ?? 0)} / ${int(r.counts.failed ?? 0)} / ${int(r.counts.unreadable ?? 0)}`
      : r.sample
        ? `${int(r.sample.entities)} asked (1 in ${r.sample.scale})${r.client ? `, ${int(r.client.failures)} failed` : ''}`
        : '–',
  );
  add('proposals new / seen / resolved / superseded', (r) =>
    r.proposals
      ? `${int(r.proposals.created)} / ${int(r.proposals.seen)} / ${int(r.proposals.resolved)} / ${int(r.proposals.superseded)}`
      : '–',
  );
  add('**requests, all endpoints** (run record)', (r) => `**${int(totalRequests(r))}**`);
  add('requests per entity', (r) => fixed(totalRequests(r) / N, 4));
  add(`at the default politeness (${POLITE_RATE} req/s)`, (r) => duration(totalRequests(r) / POLITE_RATE));
  add(
    `within Wikimedia's hourly allowance (${int(ANONYMOUS_BUDGET)} anonymous / ${int(TOKEN_BUDGET)} with a token)`,
    (r) =>
      `${duration((totalRequests(r) / ANONYMOUS_BUDGET) * 3600)} / ${duration((totalRequests(r) / TOKEN_BUDGET) * 3600)}`,
  );
  const runEndpoints = [...new Set(rows.flatMap((r) => Object.keys(r.runRequests ?? {})))].sort();
  for (const endpoint of runEndpoints)
    add(`run record: ${SHORT[endpoint] ?? endpoint} (req · req/e · bytes/e)`, (r) =>
      r.runRequests ? endpointCell(r, r.runRequests[endpoint], N) : '–',
    );
  add('bytes per entity, all endpoints (run record)', (r) =>
    r.runRequests ? bytesText(scaled(r, totalOf(r.runRequests).bytes) / N) : '–',
  );
  const fakeEndpoints = [...new Set(rows.flatMap((r) => Object.keys(r.fakeRequests)))].sort();
  for (const endpoint of fakeEndpoints)
    add(`fake /__stats: ${SHORT[endpoint] ?? endpoint} (req · req/e · bytes/e)`, (r) =>
      endpointCell(r, r.fakeRequests[endpoint], N),
    );
  add(
    'fake /__stats: all requests · bytes/e',
    (r) => `${int(scaled(r, r.fakeTotal.requests))} · ${bytesText(scaled(r, r.fakeTotal.bytes) / N)}/e`,
  );
  add('ids · titles asked for (fake)', (r) =>
    r.fakeAsked ? `${int(scaled(r, r.fakeAsked.ids))} · ${int(scaled(r, r.fakeAsked.titles))}` : '–',
  );
  add(
    'HTTP statuses (fake)',
    (r) =>
      Object.entries(r.fakeStatuses)
        .map(([status, n]) => `${status}: ${int(n)}`)
        .join(', ') || '–',
  );
  const workerCount = Math.max(0, ...rows.map((r) => r.workers.length));
  for (let i = 0; i < workerCount; i++) {
    add(`worker ${i + 1}: RSS start → end, **peak** (MiB)`, (r) => {
      const w = r.workers[i];
      return w
        ? `${fixed(w.rssStartMiB, 0)} → ${fixed(w.rssEndMiB, 0)}, **${fixed(w.peakMiB, 0)}**${w.peakSource === 'sampled' ? ' (sampled)' : ''}`
        : '–';
    });
  }
  add(
    'workers: largest RSS sampled, and when (0% = start of the night, 100% = end)',
    (r) =>
      r.workers
        .map((w) =>
          w.sampledPeakMiB === undefined
            ? '?'
            : `${fixed(w.sampledPeakMiB, 0)} at ${fixed((w.sampledPeakWhen ?? 0) * 100, 0)}%`,
        )
        .join(' · ') || '–',
  );
  add('per-entity client: peak RSS (MiB)', (r) => (r.client ? fixed(r.client.peakRssMiB, 0) : '–'));
  add('CPU s: workers (each) · fake · redis', (r) => {
    const workers = r.workers.map((w) => fixed(w.cpuSeconds, 1)).join(' + ');
    const client = r.client ? `client ${fixed(r.client.cpuSeconds, 1)}` : '';
    return `${workers || client} · ${fixed(r.fakeCpuSeconds, 1)} · ${r.redisCpuSeconds === undefined ? '?' : fixed(r.redisCpuSeconds, 1)}`;
  });
  add('entities/s if the workers had the machine to themselves (entities ÷ (worker CPU s ÷ cores))', (r) => {
    const cpu = r.workers.reduce((sum, w) => sum + w.cpuSeconds, 0);
    return r.workers.length && cpu > 0 ? int(r.entities / (cpu / cores)) : '–';
  });
  add('CPU ms per entity: workers (or client) · fake', (r) => {
    const entities = r.sample ? r.sample.entities : r.entities || N;
    const own = r.workers.length
      ? r.workers.reduce((sum, w) => sum + w.cpuSeconds, 0)
      : (r.client?.cpuSeconds ?? 0);
    return `${fixed((own * 1000) / entities, 2)} · ${fixed((r.fakeCpuSeconds * 1000) / entities, 2)}`;
  });
  add(
    "machine busy core-s (of which the benchmark's processes) · load",
    (r) => `${fixed(r.machineBusySeconds, 0)} (${fixed(r.ownCpuSeconds, 0)}) · ${fixed(r.loadAverage, 1)}`,
  );
  add(
    'Redis used_memory start → end · sampled peak (MiB)',
    (r) =>
      `${fixed(r.redis.usedStartMiB, 1)} → ${fixed(r.redis.usedEndMiB, 1)} · ${fixed(r.redis.peakSampledMiB, 1)}`,
  );
  add('Redis used_memory_peak (server, since start)', (r) => r.redis.serverPeakHuman || '–');
  add('changed entities: proposals present', (r) => {
    const c = r.check;
    if (!c) return '–';
    const verdict =
      c.missing.length === 0 && c.withProposal === c.valueChanged
        ? 'all'
        : `**${int(c.valueChanged - c.withProposal)} missing**`;
    return `${int(c.changed)} changed, ${int(c.valueChanged)} with a new website: ${int(c.withProposal)} proposals (${verdict})${c.selectionVerified ? '' : ', selection not verified'}`;
  });
  addStreamRows(add);
  const width = header.length;
  const out = [
    `| ${header.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(width - 1)}`,
    // Rows with nothing to show (an older result lacks a figure, say) are left out.
    ...lines
      .filter((cells) => cells.slice(1).some((cell) => cell !== '–'))
      .map((cells) => `| ${cells.join(' | ')} |`),
  ];
  return out.join('\n');
}

/** The rows of `factsync watch` (--stream): its catch-up before the night, its CPU and memory, the stream. */
function addStreamRows(add: (name: string, cell: (row: NightResult) => string) => void): void {
  const stream = (cell: (s: StreamFigures) => string) => (r: NightResult) =>
    r.stream ? cell(r.stream) : '–';
  add(
    'stream watcher: catch-up before the night (time · events · events/s)',
    stream((s) =>
      s.catchUp
        ? `${duration(s.catchUp.seconds)} · ${int(s.catchUp.events)} · ${int(s.catchUp.events / Math.max(s.catchUp.seconds, 0.001))}/s`
        : 'none (started before it)',
    ),
  );
  add(
    'stream watcher: CPU s catch-up · night (µs per event caught up); the fake’s CPU s during the catch-up',
    stream(
      (s) =>
        `${s.catchUp ? fixed(s.catchUp.cpuSeconds, 1) : '–'} · ${fixed(s.night.cpuSeconds, 1)}${s.catchUp?.events ? ` (${int((s.catchUp.cpuSeconds * 1e6) / s.catchUp.events)} µs)` : ''}; ${s.catchUp?.fakeCpuSeconds === undefined ? '–' : fixed(s.catchUp.fakeCpuSeconds, 1)}`,
    ),
  );
  add(
    'stream watcher: RSS at the end · **peak** (MiB)',
    stream((s) => `${fixed(s.rssEndMiB, 0)} · **${fixed(s.peakMiB, 0)}**`),
  );
  add(
    'stream (fake): connections · events · bytes sent, since the last night (no API requests)',
    stream((s) => `${int(s.served.connections)} · ${int(s.served.events)} · ${bytesText(s.served.bytes)}`),
  );
  add(
    'stream: span covered at the night’s end',
    stream(
      (s) =>
        Object.entries(s.covered)
          .map(([wiki, span]) => `${wiki} ${span}`)
          .join('; ') || 'none',
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// Targets

const MILLION = 1_000_000;

interface Point {
  readonly n: number;
  readonly value: number;
}

/**
 * The value at `at`: measured, or a straight line through the two largest sizes measured; from one size
 * alone, proportional to the size (`proportional`) or the same (`flat`).
 */
function extrapolate(
  points: readonly Point[],
  at: number,
  single: 'proportional' | 'flat',
): { value: number; how: string } | undefined {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const exact = sorted.find((p) => p.n === at);
  if (exact) return { value: exact.value, how: 'measured' };
  const last = sorted.at(-1);
  const before = sorted.at(-2);
  if (!last) return undefined;
  if (!before)
    return single === 'flat'
      ? { value: last.value, how: `assumed flat from ${int(last.n)}` }
      : { value: (last.value * at) / last.n, how: `extrapolated ×${at / last.n} from ${int(last.n)}` };
  const slope = (last.value - before.value) / (last.n - before.n);
  // Memory does not shrink as the store grows: a noisy downward slope is read as flat.
  const line = last.value + slope * (at - last.n);
  return {
    value: single === 'flat' ? Math.max(line, last.value) : line,
    how: `extrapolated linearly from ${int(before.n)} and ${int(last.n)}`,
  };
}

function points(
  results: readonly SizeResult[],
  scenario: Scenario,
  value: (row: NightResult) => number,
): Point[] {
  return results.flatMap((r) => {
    const row = r.rows.find((x) => x.scenario === scenario);
    return row ? [{ n: r.entities, value: value(row) }] : [];
  });
}

const met = (ok: boolean | undefined, extrapolated: boolean) =>
  ok === undefined ? 'not measured' : `${ok ? 'met' : '**not met**'}${extrapolated ? ' (extrapolated)' : ''}`;

export function renderTargets(results: readonly SizeResult[]): string {
  const lines = [
    '| target | measured | 1,000,000 entities | verdict | baselines: full batched fetch · one request per entity |',
    '| --- | --- | --- | --- | --- |',
  ];
  /** The two baselines' figure at each size measured, and at 1M in proportion (request counts are linear). */
  const baselines = (value: (row: NightResult) => number, format: (v: number) => string, scale = true) => {
    const full = points(results, 'full', value);
    const single = points(results, 'per-entity', value);
    const at = (pts: Point[]) => {
      const top = [...pts].sort((a, b) => a.n - b.n).at(-1);
      if (!top) return '–';
      return top.n === MILLION || !scale
        ? format(top.value)
        : `${format((top.value * MILLION) / top.n)} (×${MILLION / top.n})`;
    };
    const sizes = [...new Set([...full, ...single].map((p) => p.n))].sort((a, b) => a - b);
    const measured = sizes
      .map((n) => {
        const f = full.find((p) => p.n === n);
        const o = single.find((p) => p.n === n);
        return `${int(n)}: ${f ? format(f.value) : '–'} · ${o ? format(o.value) : '–'}`;
      })
      .join('; ');
    if (!measured) return 'not measured';
    const measuredAtMillion = sizes.includes(MILLION);
    return scale && !measuredAtMillion ? `${measured}; 1M: ${at(full)} · ${at(single)}` : measured;
  };
  const perSize = (pts: Point[], format: (v: number) => string) =>
    pts
      .sort((a, b) => a.n - b.n)
      .map((p) => `${int(p.n)}: ${format(p.value)}`)
      .join('; ') || 'not measured';

  // 1. First night at 0 ms latency: at least 2,000 entities/s, end to end.
  const first0 = [
    ...points(results, 'first-0ms', (r) => r.entitiesPerSecond),
    ...results.flatMap((r) => {
      const row = r.rows.find((x) => x.scenario === 'first' && x.latencyMs === 0);
      return row && !r.rows.some((x) => x.scenario === 'first-0ms')
        ? [{ n: r.entities, value: row.entitiesPerSecond }]
        : [];
    }),
  ];
  const firstOk = first0.length ? first0.every((p) => p.value >= 2000) : undefined;
  lines.push(
    `| First night, 0 ms latency: ≥ 2,000 entities/s end to end | ${perSize(first0, (v) => `${int(v)}/s`)} | not measured | ${met(firstOk, false)} | ${baselines(
      (r) => r.entitiesPerSecond,
      (v) => `${int(v)}/s`,
      false,
    )} (20 ms latency) |`,
  );

  // 2. Unchanged night over 1M: at most 2,500 requests.
  const unchanged = points(results, 'unchanged', totalRequests);
  const u = extrapolate(unchanged, MILLION, 'proportional');
  lines.push(
    `| Unchanged night over 1,000,000 entities: ≤ 2,500 requests | ${perSize(unchanged, int)} | ${u ? `${int(u.value)} (${u.how})` : '–'} | ${met(u ? u.value <= 2500 : undefined, u?.how !== 'measured')} | ${baselines(totalRequests, int)} |`,
  );

  // 3. 1%-changed night over 1M: at most 3,000 requests, and every changed entity's proposals present.
  const changed = points(results, 'changed', totalRequests);
  const c = extrapolate(changed, MILLION, 'proportional');
  const checks = results.flatMap((r) => {
    const row = r.rows.find((x) => x.scenario === 'changed');
    return row?.check ? [{ n: r.entities, check: row.check }] : [];
  });
  const allPresent = checks.length
    ? checks.every((x) => x.check.missing.length === 0 && x.check.withProposal === x.check.valueChanged)
    : undefined;
  const checkText = checks
    .map((x) => `${int(x.n)}: ${int(x.check.withProposal)}/${int(x.check.valueChanged)} present`)
    .join('; ');
  lines.push(
    `| 1%-changed night over 1,000,000 entities: ≤ 3,000 requests | ${perSize(changed, int)} | ${c ? `${int(c.value)} (${c.how})` : '–'} | ${met(c ? c.value <= 3000 : undefined, c?.how !== 'measured')} | ${baselines(totalRequests, int)} |`,
  );
  lines.push(
    `| … and every changed entity's proposals present | ${checkText || 'not measured'} | ${checks.some((x) => x.n === MILLION) ? 'measured' : 'not measured'} | ${met(allPresent, false)}${allPresent !== undefined && !checks.some((x) => x.n === MILLION) ? ' at the sizes measured' : ''} | – |`,
  );

  // 4. Peak RSS per worker at 1M: at most 300 MB (286 MiB).
  const rss = results.flatMap((r) => {
    const peaks = r.rows.flatMap((row) => row.workers.map((w) => w.peakMiB));
    return peaks.length ? [{ n: r.entities, value: Math.max(...peaks) }] : [];
  });
  const m = extrapolate(rss, MILLION, 'flat');
  lines.push(
    `| Peak RSS ≤ 300 MB (286 MiB) per worker process at 1,000,000 entities | ${perSize(rss, (v) => `${fixed(v, 0)} MiB`)} | ${m ? `${fixed(m.value, 0)} MiB (${m.how})` : '–'} | ${met(m ? m.value <= 286.1 : undefined, m?.how !== 'measured')} | ${baselines(
      (r) => Math.max(0, ...r.workers.map((w) => w.peakMiB), r.client?.peakRssMiB ?? 0),
      (v) => `${fixed(v, 0)} MiB`,
      false,
    )} (per process) |`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The generated part of bench/RESULTS.md

export const BEGIN =
  '<!-- bench:sync generated: begin (npm run bench:sync rewrites what is between these lines) -->';
export const END = '<!-- bench:sync generated: end -->';

function renderSize(result: SizeResult): string {
  const m = result.machine;
  const settings = Object.entries(result.settings)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `### ${int(result.entities)} entities`,
    '',
    `- Command: \`${result.command}\`${result.commandAlone ? ` (this count alone: \`${result.commandAlone}\`)` : ''}`,
    `- Date: ${result.date}; whole run ${duration(result.totalSeconds)}; load average at start ${result.loadStart.map((x) => fixed(x, 2)).join(' ')}, at end ${result.loadEnd.map((x) => fixed(x, 2)).join(' ')}`,
    `- Machine: nproc ${m.nproc}; CPU ${m.cpu}; memory ${m.memory}; Node ${m.node}; ${m.kernel}`,
    `- Settings: ${settings}`,
    `- Local store: ${result.data.file} (${bytesText(result.data.bytes)}${result.data.generatedSeconds === undefined ? ', reused' : `, generated in ${duration(result.data.generatedSeconds)}`})`,
    ...result.notes.map((note) => `- ${note}`),
    '',
    renderTable(result),
    '',
  ].join('\n');
}

/** What 1,000,000 entities would cost, by a straight line through the two largest sizes measured. */
export function renderExtrapolation(results: readonly SizeResult[]): string | undefined {
  if (results.some((r) => r.entities === MILLION)) return undefined;
  const sizes = [...results].sort((a, b) => a.entities - b.entities).slice(-2);
  const last = sizes.at(-1);
  if (!last) return undefined;
  const scenarios = last.rows.map((row) => row.scenario);
  const rowOf = (r: SizeResult, scenario: Scenario) => r.rows.find((row) => row.scenario === scenario);
  const at = (scenario: Scenario, value: (row: NightResult) => number, single: 'proportional' | 'flat') =>
    extrapolate(
      sizes.flatMap((r) => {
        const row = rowOf(r, scenario);
        return row ? [{ n: r.entities, value: value(row) }] : [];
      }),
      MILLION,
      single,
    )?.value;
  const cell = (v: number | undefined, format: (n: number) => string) => (v === undefined ? '–' : format(v));
  const lines = [
    `|  | ${last.rows.map((row) => row.label).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(last.rows.length)}`,
  ];
  const add = (name: string, value: (scenario: Scenario) => string) =>
    lines.push(`| ${name} | ${scenarios.map(value).join(' | ')} |`);
  const wall = (row: NightResult) => row.wallSeconds * (row.sample?.scale ?? 1);
  add('wall time', (s) => cell(at(s, wall, 'proportional'), duration));
  add('requests', (s) => cell(at(s, totalRequests, 'proportional'), int));
  add(`at the default politeness (${POLITE_RATE} req/s)`, (s) =>
    cell(at(s, totalRequests, 'proportional'), (n) => duration(n / POLITE_RATE)),
  );
  add('Redis used_memory at the end', (s) =>
    cell(
      at(s, (row) => row.redis.usedEndMiB, 'flat'),
      (n) => `${fixed(n, 0)} MiB`,
    ),
  );
  const from = sizes.map((r) => int(r.entities)).join(' and ');
  return [
    `**Not measured**: 1,000,000 entities would take about ${int(MILLION / last.entities)} times the ${int(last.entities)} run (${duration(last.totalSeconds * (MILLION / last.entities))} by`,
    `proportion), so it was not run. Extrapolated linearly from ${from} entities (requests, time and memory of`,
    "today's planner grow in proportion to the store; a planner with a change feed would not). Worker memory",
    'is too noisy night by night to extrapolate this way: see the targets above for its overall peak.',
    '',
    ...lines,
  ].join('\n');
}

export function renderGenerated(results: readonly SizeResult[]): string {
  const sorted = [...results].sort((a, b) => a.entities - b.entities);
  const extrapolation = renderExtrapolation(sorted);
  return [
    BEGIN,
    '',
    '## Targets',
    '',
    renderTargets(sorted),
    '',
    ...(extrapolation ? ['### 1,000,000 entities: extrapolated, not measured', '', extrapolation, ''] : []),
    '## Measurements',
    '',
    ...sorted.map(renderSize),
    END,
  ].join('\n');
}

/** Replaces the generated part of `existing` (or makes a new file around it). */
export function mergeInto(existing: string | undefined, generated: string): string {
  if (existing?.includes(BEGIN) && existing.includes(END)) {
    const head = existing.slice(0, existing.indexOf(BEGIN));
    const tail = existing.slice(existing.indexOf(END) + END.length);
    return `${head}${generated}${tail}`;
  }
  return [
    '# Sync: benchmark results',
    '',
    'Measured by `npm run bench:sync` (bench/sync.ts). The part between the markers is rewritten by each',
    'run; the notes outside it are kept.',
    '',
    generated,
    '',
    existing ?? '',
  ].join('\n');
}
