// `factsync report [RUN]`: a run's diff report (the last run's by default), written again from the
// store if its files are gone.

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runProposalStream } from '../sinks/report/collect.js';
import { reportPaths, writeReports } from '../sinks/report/index.js';
import { UsageError } from './errors.js';
import { writeErr, writeOut } from './output.js';
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
            writeErr(`report written again from the store: ${paths.markdown}\n`);
          }
          if (options.path) await writeOut(`${file}\n`);
          else await writeOut(text ?? (await readFile(file, 'utf8')));
        });
      },
    );
}
