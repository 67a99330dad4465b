// Commands that read or change proposals open the configured store, and always close it.

import type { Command } from 'commander';
import type { Config } from '../config.js';
import { SIDES, type Side } from '../model/decision.js';
import {
  PROPOSAL_KINDS,
  PROPOSAL_STATUSES,
  type ProposalKind,
  type ProposalStatus,
} from '../model/proposal.js';
import { openStore } from '../sinks/open-store.js';
import type { ProposalFilter, ProposalStore } from '../sinks/store.js';
import { configOf } from './context.js';
import { UsageError } from './errors.js';

export async function withStore<T>(
  command: Command,
  run: (store: ProposalStore, config: Config) => Promise<T>,
): Promise<T> {
  const config = configOf(command);
  const store = await openStore(config);
  try {
    return await run(store, config);
  } finally {
    await store.close();
  }
}

export interface FilterOptions {
  status?: string;
  side?: string;
  kind?: string;
  entity?: string;
  field?: string;
  run?: string;
  search?: string;
}

function listOption<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const values = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of values) {
    if (!allowed.includes(v as T))
      throw new UsageError(`${option}: "${v}" is not one of ${allowed.join(', ')}`);
  }
  return values as T[];
}

/** The filter options shared by `proposals` and `export`, checked. */
export function filterOf(options: FilterOptions): ProposalFilter {
  const status = listOption<ProposalStatus>('--status', options.status, PROPOSAL_STATUSES);
  const kind = listOption<ProposalKind>('--kind', options.kind, PROPOSAL_KINDS);
  const side = listOption<Side>('--side', options.side, SIDES);
  return {
    ...(status ? { status } : {}),
    ...(side ? { side } : {}),
    ...(kind ? { kind } : {}),
    ...(options.field ? { field: options.field.split(',') } : {}),
    ...(options.entity ? { entity: options.entity } : {}),
    ...(options.run ? { run: options.run } : {}),
    ...(options.search ? { search: options.search } : {}),
  };
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--status <list>', `comma-separated: ${PROPOSAL_STATUSES.join(', ')}`)
    .option('--side <list>', `decided (or applied) as: ${SIDES.join(', ')}`)
    .option('--kind <list>', `comma-separated: ${PROPOSAL_KINDS.join(', ')}`)
    .option('--entity <key>', 'one entity, by record key or QID')
    .option('--field <list>', 'comma-separated field names')
    .option('--run <id>', 'proposals found or seen in this run')
    .option('--search <text>', 'entity key, label or QID containing this text');
}
