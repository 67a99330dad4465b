// `factsync report [RUN]`: a run's diff report (the last run's by default), written again from the
// store if its files are gone.

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runProposalStream } from '../sinks/report/collect.js';
import { reportPaths, writeReports } from '../sinks/report/index.js';
import { printable, printableJson } from '../text/safe.js';
import { UsageError } from './errors.js';
import { printLines, warnLines, writeOut } from './output.js';
import { withStore } from './store-context.js';

export function registerReport(program: Command): void {
  program
    .command('report [run]')
    .description("show a run's diff report (the last run by default)")
    .option('--format <format>', 'md, json or html', 'md')
    .option('--path', 'print the report file path instead of its contents')
    .action(
      async (runId: string | undefined, options: { format: string; path?: boolean }, command: Command) => {
        if (!['md', 'json', 'html'].includes(options.format))
          throw new UsageError('--format: expected md, json or html');
        await withStore(command, async (store, config) => {
          const run = runId ? await store.getRun(runId) : (await store.listRuns(1))[0];
          if (!run)
            throw new UsageError(
              runId ? `no run "${runId}" in the store` : 'no run yet: run `factsync sync` first',
            );
          let paths = reportPaths(config.reports.dir, run.id);
          const file =
            options.format === 'md' ? paths.markdown : options.format === 'json' ? paths.json : paths.html;
          const text = await readFile(file, 'utf8').catch(() => undefined);
          if (text === undefined) {
            paths = await writeReports(config.reports.dir, run, runProposalStream(store, run.id));
            warnLines(`report written again from the store: ${paths.markdown}`);
          }
          if (options.path) return printLines(file);
          // Written safe since this version; a report file of an earlier one, or edited, may not be.
          const report = text ?? (await readFile(file, 'utf8'));
          await writeOut(
            options.format === 'json' ? printableJson(report) : printable(report, { keepLayout: true }),
          );
        });
      },
    );
}
