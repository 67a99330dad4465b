#!/usr/bin/env node
// factsync's command line: one file a command, each thin (parse → call the library → print).

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { printable } from '../text/safe.js';
import { registerApply } from './apply.js';
import { registerConfig } from './config-cmd.js';
import { registerDecide } from './decide.js';
import { registerDemo } from './demo.js';
import { registerEntities } from './entities.js';
import { exitCodeOf, messageOf } from './errors.js';
import { registerExport } from './export.js';
import { registerFakeWikimedia } from './fake-wikimedia.js';
import { registerHeld } from './held.js';
import { registerProposals } from './proposals.js';
import { registerReport } from './report.js';
import { registerSchedule } from './schedule.js';
import { registerServe } from './serve.js';
import { registerStatus } from './status.js';
import { registerSync } from './sync.js';
import { registerWatch } from './watch.js';
import { registerWorker } from './worker.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command('factsync')
    .description('keeps an entity knowledge base honest against Wikidata and Wikipedia')
    .version(version)
    .option('--config <file>', 'a YAML file overlaid on config/default.yaml')
    .option('--json', 'JSON output (entities, proposals, status, config) and JSON log lines')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    // Commander's own messages quote the argument given ("unknown option '…'"); they are several lines
    // by design ("(Did you mean …?)"), and the argument is the user's own: escaped, layout kept.
    .configureOutput({ outputError: (text, write) => write(printable(text, { keepLayout: true })) })
    .exitOverride();
  registerEntities(program);
  registerConfig(program);
  registerProposals(program);
  registerDecide(program);
  registerHeld(program);
  registerReport(program);
  registerExport(program);
  registerApply(program);
  registerSync(program);
  registerWorker(program);
  registerWatch(program);
  registerSchedule(program);
  registerStatus(program);
  registerServe(program);
  registerDemo(program);
  registerFakeWikimedia(program);
  for (const command of program.commands) command.exitOverride().configureHelp({ showGlobalOptions: true });
  return program;
}

/**
 * An error as printed: its message, from any layer (a driver, an upstream server, a value quoted), on
 * one line, safe to show — a line break in it shows as `\n`, so no part passes for a line of its own.
 */
function errorText(error: unknown): string {
  return printable(messageOf(error));
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command that did its work but not all of it (a proposal it could not accept) sets exitCode 1.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exit code 0; a usage error with 2 (commander already printed it).
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`factsync: ${errorText(error)}\n`);
    return exitCodeOf(error);
  }
}

process.exitCode = await main(process.argv);
