// Which run settled a proposal, and when: reconcile reports the proposals a run resolved or superseded
// from these, so a batch retried within the run reports them again instead of losing them from its
// counts (the first attempt already wrote them). `last_run` is not used for this: it is the last run
// that *saw* the proposal, and a run's report lists what it saw.

import type { Migration } from './types.js';

export const settledRun: Migration = {
  version: 3,
  name: 'settled-run',
  sqlite: `
ALTER TABLE proposals ADD COLUMN settled_run TEXT;
ALTER TABLE proposals ADD COLUMN settled_at TEXT;
`,
  postgres: `
ALTER TABLE proposals ADD COLUMN settled_run text COLLATE "C", ADD COLUMN settled_at text;
`,
};
