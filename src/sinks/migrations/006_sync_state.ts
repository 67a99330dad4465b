// Sync state kept with the proposals (issue 18): what the last comparison of each entity saw (its
// EntityState as JSON, by record key) and the few named positions the planner starts from (where each
// change feed was last read, what it estimates from). Redis often runs without persistence; these
// outlive a flush, so the night after one costs what an unchanged night costs.

import type { Migration } from './types.js';

export const syncState: Migration = {
  version: 6,
  name: 'sync-state',
  sqlite: `
CREATE TABLE sync_state (
  key TEXT NOT NULL PRIMARY KEY,
  state TEXT NOT NULL
);
CREATE TABLE sync_positions (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  postgres: `
CREATE TABLE sync_state (
  key text COLLATE "C" PRIMARY KEY,
  state text NOT NULL
);
CREATE TABLE sync_positions (
  name text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);
`,
};
