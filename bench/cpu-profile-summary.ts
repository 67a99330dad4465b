// Summary of V8 CPU profiles (`node --cpu-prof`, one .cpuprofile per process) by area: where a worker's CPU
// went, grouped by package (node_modules/bullmq, ioredis, better-sqlite3, pino, zod, undici…), by our own
// source file (src/<folder>/<file>, whether run from src/ or dist/), node internals, V8 builtins and GC;
// then the functions with the most self time. Not a test; the figures are samples, not exact CPU time.
//
// Usage: node --import tsx bench/cpu-profile-summary.ts [options] FILE_OR_DIR...
//   FILE_OR_DIR     .cpuprofile files, or folders holding them (all are added up: one per worker)
//   --top N         functions listed by self time (default 25)
//   --areas N       areas listed (default 30)
//   --phases S      also summarise each phase of activity apart: stretches where the profiled processes
//                   together were busy, split where they were idle for S seconds or more (0: off, the
//                   default). With `bench:sync -- --only nights --skip-zero-latency`, 0.5 gives: the
//                   workers' start, night 1, night 2, night 3
//
// With `npm run bench:sync -- --worker-node-args="--cpu-prof --cpu-prof-dir=DIR"` each worker writes its
// profile into DIR when it stops, holding every night. Self time of a node is the time from its sample to
// the next one (as Chrome's DevTools counts); "(idle)" is time the thread waited for events and is left
// out of the busy figures; "(program)" is V8 work outside JavaScript (compiling, the event loop's own).
// The profiler counts time between samples, not CPU time: on a machine with more runnable processes than
// cores, "busy" includes time the thread waited for a core (it read 31 s for a first night whose workers
// /proc put at 18 s of CPU). Shares between areas are what to compare; /proc gives the CPU seconds.
// Line numbers are those of the file that ran: dist/…/x.js for src/…/x.ts under `factsync worker`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One sample: the node it hit, when (µs, the profiles' shared monotonic clock) and for how long (µs). */
interface Sample {
  readonly node: number;
  readonly at: number;
  readonly us: number;
}

interface Loaded {
  readonly file: string;
  readonly nodes: Map<number, ProfileNode>;
  readonly parent: Map<number, number>;
  readonly samples: Sample[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IDLE = '(idle)';

/** The area a call frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === IDLE || functionName === '(program)' || functionName === '(root)')
      return functionName;
    return 'V8 builtins and native (no url)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + '/node_modules/'.length).split('/');
    const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    return `node_modules/${name}`;
  }
  const ours = /\/(src|dist|dev|bench|bin)\/(.*)$/.exec(file);
  if (ours?.[1] !== undefined && ours[2] !== undefined) {
    const [top, rest] = [ours[1], ours[2]];
    if (top === 'dist' || top === 'src') return `src/${rest.replace(/\.js$/, '.ts')}`;
    return `${top}/${rest}`;
  }
  if (!file.startsWith('/')) return 'node internals';
  return path.relative(ROOT, file);
}

function load(file: string): Loaded {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples: Sample[] = [];
  let at = profile.startTime;
  const count = profile.samples.length;
  for (let i = 0; i < count; i++) {
    at += profile.timeDeltas[i] ?? 0;
    // A sample lasts until the next one; the last one until the profile's end.
    const next = i + 1 < count ? (profile.timeDeltas[i + 1] ?? 0) : Math.max(0, profile.endTime - at);
    samples.push({ node: profile.samples[i] as number, at, us: Math.max(0, next) });
  }
  return { file, nodes, parent, samples };
}

function profileFiles(args: readonly string[]): string[] {
  return args.flatMap((arg) =>
    statSync(arg).isDirectory()
      ? readdirSync(arg)
          .filter((name) => name.endsWith('.cpuprofile'))
          .sort()
          .map((name) => path.join(arg, name))
      : [arg],
  );
}

interface Totals {
  busyUs: number;
  idleUs: number;
  self: Map<string, number>;
  total: Map<string, number>;
  functions: Map<string, number>;
}

const emptyTotals = (): Totals => ({
  busyUs: 0,
  idleUs: 0,
  self: new Map(),
  total: new Map(),
  functions: new Map(),
});
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

/** Adds `samples` of `profile` into `totals`; the areas on each node's stack are worked out once per node. */
function tally(profile: Loaded, samples: readonly Sample[], totals: Totals): void {
  const stackAreas = new Map<number, Set<string>>();
  const areasOf = (id: number): Set<string> => {
    const known = stackAreas.get(id);
    if (known) return known;
    const node = profile.nodes.get(id) as ProfileNode;
    const up = profile.parent.get(id);
    const areas = new Set(up === undefined ? [] : areasOf(up));
    areas.add(areaOf(node.callFrame));
    stackAreas.set(id, areas);
    return areas;
  };
  for (const sample of samples) {
    const frame = (profile.nodes.get(sample.node) as ProfileNode).callFrame;
    if (frame.functionName === IDLE && frame.url === '') {
      totals.idleUs += sample.us;
      continue;
    }
    totals.busyUs += sample.us;
    add(totals.self, areaOf(frame), sample.us);
    for (const area of areasOf(sample.node)) if (area !== '(root)') add(totals.total, area, sample.us);
    const where = frame.url === '' ? areaOf(frame) : `${areaOf(frame)}:${frame.lineNumber + 1}`;
    add(totals.functions, `${frame.functionName || '(anonymous)'} · ${where}`, sample.us);
  }
}

const ms = (us: number) => (us / 1000).toLocaleString('en-US', { maximumFractionDigits: 0 });
const pct = (part: number, whole: number) => `${whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0'}%`;

function render(title: string, totals: Totals, top: number, areas: number): string {
  const lines = [
    `### ${title}`,
    '',
    `busy ${ms(totals.busyUs)} ms of CPU (idle ${ms(totals.idleUs)} ms left out)`,
    '',
    '| area | self ms | self % | total ms | total % |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  const byTotal = [...totals.total.entries()].sort((a, b) => b[1] - a[1]);
  const ranked = [...totals.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, areas);
  for (const [area, self] of ranked) {
    const total = totals.total.get(area) ?? 0;
    lines.push(
      `| ${area} | ${ms(self)} | ${pct(self, totals.busyUs)} | ${ms(total)} | ${pct(total, totals.busyUs)} |`,
    );
  }
  const hidden = byTotal.filter(([area]) => !ranked.some(([shown]) => shown === area)).slice(0, 5);
  for (const [area, total] of hidden)
    lines.push(`| ${area} (callers only) | – | – | ${ms(total)} | ${pct(total, totals.busyUs)} |`);
  lines.push(
    '',
    `Top ${top} functions by self time:`,
    '',
    '| function · where | self ms | self % |',
    '| --- | ---: | ---: |',
  );
  for (const [fn, self] of [...totals.functions.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`| ${fn.replaceAll('|', '\\|')} | ${ms(self)} | ${pct(self, totals.busyUs)} |`);
  return lines.join('\n');
}

/**
 * Stretches of activity of all profiles together: windows of `gapSeconds` (at most 1 s) in which the
 * processes were busy ≥ 5% of a core, joined unless an idle window lies between them.
 */
function phases(profiles: readonly Loaded[], gapSeconds: number): Array<{ from: number; to: number }> {
  const windowUs = Math.min(1, gapSeconds) * 1e6;
  const busy = new Map<number, number>();
  for (const profile of profiles)
    for (const sample of profile.samples) {
      const frame = (profile.nodes.get(sample.node) as ProfileNode).callFrame;
      if (frame.functionName === IDLE && frame.url === '') continue;
      const window = Math.floor(sample.at / windowUs);
      busy.set(window, (busy.get(window) ?? 0) + sample.us);
    }
  const active = [...busy.entries()]
    .filter(([, us]) => us >= windowUs * 0.05)
    .map(([window]) => window)
    .sort((a, b) => a - b);
  const found: Array<{ from: number; to: number }> = [];
  for (const window of active) {
    const last = found.at(-1);
    if (last && window - last.to < Math.max(1, (gapSeconds * 1e6) / windowUs)) last.to = window + 1;
    else found.push({ from: window, to: window + 1 });
  }
  return found.map(({ from, to }) => ({ from: from * windowUs, to: to * windowUs }));
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string' }, areas: { type: 'string' }, phases: { type: 'string' } },
  });
  const number = (text: string | undefined, fallback: number, name: string) => {
    const value = text === undefined ? fallback : Number(text);
    if (!(Number.isFinite(value) && value >= 0))
      throw new Error(`--${name}: expected a number ≥ 0, got ${text}`);
    return value;
  };
  const top = number(values.top, 25, 'top');
  const areas = number(values.areas, 30, 'areas');
  const gap = number(values.phases, 0, 'phases');
  const files = profileFiles(positionals);
  if (files.length === 0) throw new Error('no .cpuprofile files given (pass files or folders holding them)');
  const profiles = files.map(load);
  const all = emptyTotals();
  for (const profile of profiles) tally(profile, profile.samples, all);
  const out = [
    `Profiles: ${files.map((f) => path.basename(f)).join(', ')}`,
    '',
    render('All processes, whole profile', all, top, areas),
  ];
  if (gap > 0) {
    const origin = Math.min(...profiles.map((p) => p.samples[0]?.at ?? Number.POSITIVE_INFINITY));
    for (const [index, span] of phases(profiles, gap).entries()) {
      const totals = emptyTotals();
      for (const profile of profiles)
        tally(
          profile,
          profile.samples.filter((s) => s.at >= span.from && s.at < span.to),
          totals,
        );
      const title = `Phase ${index + 1}: ${Math.max(0, (span.from - origin) / 1e6).toFixed(0)}–${((span.to - origin) / 1e6).toFixed(0)} s after the first sample`;
      out.push('', render(title, totals, top, areas));
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
