// The fake-specific half of `factsync fake-wikimedia`: the command's flags as server options, the
// run itself (start, print the environment to point factsync at it, run until SIGINT/SIGTERM, close
// and print what it served) and the lines it prints. The product's src/cli/fake-wikimedia.ts parses
// the command line and loads this module at run time from the clone; a bad flag throws FlagError,
// which it reports as a usage error (exit 2).

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeFaultSpec, FaultSpecError, parseFaultSpec } from './faults.js';
import { GENERATED_BASE, MAX_GENERATED } from './generator.js';
import { type FakeWikimedia, type FakeWikimediaOptions, startFakeWikimedia } from './index.js';
import type { Stats } from './stats.js';

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

/** A bad flag value; the message names the flag. */
export class FlagError extends Error {
  readonly code = 'FAKE_FLAG';
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/_/g, ''));
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw new FlagError(`${flag}: expected an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** The command's flags as server options; a bad value throws FlagError naming the flag. */
export function fakeWikimediaOptions(flags: FakeWikimediaFlags): FakeWikimediaOptions {
  const options: Record<string, unknown> = {};
  if (flags.host !== undefined) {
    if (flags.host.trim() === '') throw new FlagError('--host: expected an address such as 127.0.0.1');
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
        throw new FlagError(`--faults: ${error.message.replace(/^--faults: /, '')}`);
      throw error;
    }
  }
  if (flags.fixtures !== undefined) {
    const dir = path.resolve(flags.fixtures);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new FlagError(`--fixtures: no folder at ${flags.fixtures}`);
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

/**
 * `factsync fake-wikimedia`: serves until SIGINT/SIGTERM. `print` writes lines to stdout (the
 * CLI's own printer, so output behaves like every other command's).
 */
export async function runFakeWikimedia(
  flags: FakeWikimediaFlags,
  print: (...lines: string[]) => Promise<void>,
): Promise<void> {
  const options = fakeWikimediaOptions(flags);
  const fake = await startFakeWikimedia(options);
  const stopped = untilSignal();
  await print(
    `export WIKIDATA_URL=${fake.wikidataUrl}`,
    `export WIKIPEDIA_URL='${fake.wikipediaUrl}'`,
    `# ${describeFake(fake, options)}`,
    `# stats: curl ${fake.url}/__stats · edits: curl -X POST ${fake.url}/__control/bumpRevision -d '{"qid":"Q124544998"}'`,
    '# Ctrl-C stops it',
  );
  const signal = await stopped;
  await fake.close();
  await print(
    `# stopped (${signal})`,
    ...describeStats(fake.stats())
      .split('\n')
      .map((line) => `# ${line}`),
  );
}

// The product loads this one module (src/cli/dev-tool.ts): the server comes with it.
export { startFakeWikimedia } from './index.js';
