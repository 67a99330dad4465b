// `factsync fake-wikimedia`: the local stand-in for Wikimedia (SPEC §9), for the offline demo, tests
// and the benchmark. Parses the flags; the fake itself (dev/fake-wikimedia, a development tool that
// ships with a clone of the repository) is loaded at run time and runs until SIGINT/SIGTERM, then
// closes and prints what it served.

import type { Command } from 'commander';
import { type FakeWikimediaFlags, loadFakeWikimedia } from './dev-tool.js';
import { UsageError } from './errors.js';
import { printLines } from './output.js';

/** The fake's first generated item, Q1000000 (GENERATED_BASE in dev/fake-wikimedia/src/generator.ts). */
export const GENERATED_BASE = 1_000_000;

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
      const fake = await loadFakeWikimedia('fake-wikimedia');
      try {
        await fake.runFakeWikimedia(flags, printLines);
      } catch (error) {
        if (error instanceof fake.FlagError) throw new UsageError(error.message);
        throw error;
      }
    });
}
