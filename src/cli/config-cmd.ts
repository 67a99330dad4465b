// `factsync config`: the effective configuration after files, environment and flags, secrets hidden,
// and what follows from it for Redis: which store this is and the prefix its runs live under.

import type { Command } from 'commander';
import { stringify } from 'yaml';
import { redactedConfig } from '../config.js';
import { scopeLines, storeScope } from '../jobs/store-scope.js';
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
      const config = configOf(command);
      const shown = redactedConfig(config);
      const scope = storeScope(config);
      if (jsonOutput(command)) {
        await printJson({ ...(shown as object), storeScope: scope }, { indent: 2 });
        return;
      }
      // As YAML comments, so the output still reads back as a config file.
      const notes = scopeLines(scope).map((line) => `# ${line}\n`);
      await writeOut(printable(stringify(shown) + notes.join(''), { keepLayout: true }));
    });
}
