// Commands of SPEC §6 that later releases deliver. Their options are declared now, so `--help`
// documents the whole command line; running one says so and exits 1.

import type { Command } from 'commander';
import { NotAvailableError } from './errors.js';

interface Planned {
  name: string;
  args?: string;
  description: string;
  options?: ReadonlyArray<[flags: string, description: string]>;
}

const PLANNED: readonly Planned[] = [
  {
    name: 'serve',
    description: 'the review web page and the queue dashboard',
    options: [
      ['--port <port>', 'port'],
      ['--host <host>', 'address to listen on'],
    ],
  },
];

export function registerPlanned(program: Command): void {
  for (const planned of PLANNED) {
    const command = program.command(planned.args ? `${planned.name} ${planned.args}` : planned.name);
    command.description(`${planned.description} (not available yet)`);
    for (const [flags, description] of planned.options ?? []) command.option(flags, description);
    command.action(() => {
      throw new NotAvailableError(`factsync ${planned.name} is not available yet in this version`);
    });
  }
}
