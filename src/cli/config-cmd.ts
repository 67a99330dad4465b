// `factsync config`: the effective configuration after files, environment and flags, secrets hidden.

import type { Command } from 'commander';
import { stringify } from 'yaml';
import { redactedConfig } from '../config.js';
import { printable } from '../text/safe.js';
import { configOf, jsonOutput } from './context.js';
import { printJson, writeOut } from './output.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description(
      'print the effective configuration (defaults, --config file, environment), secrets hidden (--json: as JSON instead of YAML)',
    )
    .action(async (_options: unknown, command: Command) => {
      const shown = redactedConfig(configOf(command));
      if (jsonOutput(command)) await printJson(shown, { indent: 2 });
      else await writeOut(printable(stringify(shown), { keepLayout: true }));
    });
}
