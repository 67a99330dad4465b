// `factsync fake-wikimedia`: the local stand-in for Wikimedia (SPEC §9), for the offline demo, tests
// and the benchmark. Starts the server, prints the environment to point factsync at it, and runs
// until SIGINT/SIGTERM, then closes and prints what it served.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  describeFaultSpec,
  type FakeWikimedia,
  type FakeWikimediaOptions,
  FaultSpecError,
  GENERATED_BASE,
  MAX_GENERATED,
  parseFaultSpec,
  type Stats,
  startFakeWikimedia,
} from '../dev/fake-wikimedia/index.js';
import { UsageError } from './errors.js';
import { printLines } from './output.js';

export interface FakeWikimediaFlags {
  host?: string;
  port?: string;
  entities?: string;
  latency?: string;
  faults?: string;
  fixtures?: string;
  seed?: string;
  rcPerDay?: string;
  wikipediaRcPerDay?: string;
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/_/g, ''));
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** The command's flags as server options; a bad value throws UsageError naming the flag. */
export function fakeWikimediaOptions(flags: FakeWikimediaFlags): FakeWikimediaOptions {
  const options: Record<string, unknown> = {};
  if (flags.host !== undefined) {
    if (flags.host.trim() === '') throw new UsageError('--host: expected an address such as 127.0.0.1');
    options.host = flags.host;
  }
  const numbers: Array<[string, string | undefined, number, number, keyof FakeWikimediaOptions]> = [
    ['--port', flags.port, 0, 65_535, 'port'],
    ['--entities', flags.entities, 0, MAX_GENERATED, 'entities'],
    ['--latency', flags.latency, 0, 600_000, 'latencyMs'],
    ['--seed', flags.seed, 0, 2 ** 32 - 1, 'seed'],
    ['--rc-per-day', flags.rcPerDay, 0, 100_000_000, 'recentChangesPerDay'],
    ['--wikipedia-rc-per-day', flags.wikipediaRcPerDay, 0, 100_000_000, 'wikipediaChangesPerDay'],
  ];
  for (const [flag, raw, min, max, key] of numbers) {
    const value = integer(flag, raw, min, max);
    if (value !== undefined) options[key] = value;
  }
  if (flags.faults !== undefined) {
    try {
      options.faults = parseFaultSpec(flags.faults);
    } catch (error) {
      if (error instanceof FaultSpecError)
        throw new UsageError(`--faults: ${error.message.replace(/^--faults: /, '')}`);
      throw error;
    }
  }
  if (flags.fixtures !== undefined) {
    const dir = path.resolve(flags.fixtures);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--fixtures: no folder at ${flags.fixtures}`);
    options.fixturesDir = dir;
  }
  return options as FakeWikimediaOptions;
}

/** One line on what the fake serves. */
export function describeFake(fake: FakeWikimedia, options: FakeWikimediaOptions): string {
  const f = fake.fixtures;
  const fixtures = f.dir
    ? `${f.items} items, ${f.redirects} merged, ${f.missing} missing and ${f.pages} Wikipedia pages from ${f.files.length} fixture files`
    : 'no fixtures';
  const generated =
    fake.entities > 0
      ? `${fake.entities} generated items Q${GENERATED_BASE}–Q${GENERATED_BASE + fake.entities - 1} with their articles (seed ${fake.seed}), a change feed of ${options.recentChangesPerDay ?? 600_000} edits/day`
      : 'no generated items';
  return `fake Wikimedia: ${fixtures}; ${generated}; latency ${options.latencyMs ?? 0} ms; faults ${describeFaultSpec(fake.faults())}`;
}

export function describeStats(stats: Stats): string {
  const endpoints = Object.entries(stats.byEndpoint)
    .filter(([, c]) => c.requests > 0)
    .map(([name, c]) => `${name} ${c.requests}`)
    .join(', ');
  const statuses = Object.entries(stats.byStatus)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  const faults = Object.entries(stats.faults)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return [
    `served ${stats.requests} requests, ${stats.bytes} bytes${endpoints ? ` (${endpoints})` : ''}`,
    `statuses: ${statuses || 'none'}; faults: ${faults || 'none'}; early requests: ${stats.earlyRequests}`,
    `ids requested: ${stats.idsRequested}; titles requested: ${stats.titlesRequested}`,
  ].join('\n');
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function registerFakeWikimedia(program: Command): void {
  program
    .command('fake-wikimedia')
    .description('the local stand-in for Wikimedia, for demos, tests and the benchmark')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port; 0 picks a free one (default 0)')
    .option('--entities <n>', `generated items, Q${GENERATED_BASE} onwards (default 0)`)
    .option('--latency <ms>', 'added to every answer (default 0)')
    .option(
      '--faults <spec>',
      'e.g. "error=0.1,timeout=0.05,maxlag=0.02,429=0.02,503=0.01,truncate=0.01,retryAfter=1"',
    )
    .option('--fixtures <dir>', 'fixture folder (default test/fixtures/wikimedia)')
    .option('--seed <n>', 'seed for generated data and faults (default 42)')
    .option('--rc-per-day <n>', "background edits a day in Wikidata's change feed (default 600000)")
    .option(
      '--wikipedia-rc-per-day <n>',
      "background edits a day in each Wikipedia language's change feed (default 100000)",
    )
    .action(async (flags: FakeWikimediaFlags) => {
      const options = fakeWikimediaOptions(flags);
      const fake = await startFakeWikimedia(options);
      const stopped = untilSignal();
      await printLines(
        `export WIKIDATA_URL=${fake.wikidataUrl}`,
        `export WIKIPEDIA_URL='${fake.wikipediaUrl}'`,
        `# ${describeFake(fake, options)}`,
        `# stats: curl ${fake.url}/__stats · edits: curl -X POST ${fake.url}/__control/bumpRevision -d '{"qid":"Q124544998"}'`,
        '# Ctrl-C stops it',
      );
      const signal = await stopped;
      await fake.close();
      await printLines(
        `# stopped (${signal})`,
        ...describeStats(fake.stats())
          .split('\n')
          .map((line) => `# ${line}`),
      );
    });
}
