// The first schema: proposals (one row per fingerprint) and runs (the whole RunRecord as JSON, with
// the columns listRuns orders and filters by). Times are ISO-8601 UTC strings (`toISOString()`),
// compared as text: PostgreSQL columns use the "C" collation so text order is byte order, as in
// SQLite and JavaScript. `search` is the lower-cased "entity\nlabel\nqid" the search filter scans.

import type { Migration } from './types.js';

const indexes = `
CREATE INDEX proposals_by_last_seen ON proposals (last_seen DESC, id);
CREATE INDEX proposals_by_status ON proposals (status, last_seen DESC, id);
CREATE INDEX proposals_by_kind ON proposals (kind, last_seen DESC, id);
CREATE INDEX proposals_by_field ON proposals (field, last_seen DESC, id);
CREATE INDEX proposals_by_entity ON proposals (entity, status);
CREATE INDEX proposals_by_qid ON proposals (qid);
CREATE INDEX proposals_by_first_run ON proposals (first_run);
CREATE INDEX proposals_by_last_run ON proposals (last_run);
CREATE INDEX proposals_by_first_seen ON proposals (first_seen, id);
CREATE INDEX runs_by_started_at ON runs (started_at DESC, id DESC);
`;

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sqlite: `
CREATE TABLE proposals (
  id TEXT NOT NULL PRIMARY KEY,
  entity TEXT NOT NULL,
  label TEXT,
  qid TEXT NOT NULL,
  field TEXT NOT NULL,
  property TEXT,
  kind TEXT NOT NULL,
  local TEXT NOT NULL,
  remote TEXT NOT NULL,
  evidence TEXT NOT NULL,
  status TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  first_run TEXT,
  last_run TEXT,
  superseded_by TEXT,
  note TEXT,
  reviewed_at TEXT,
  applied_at TEXT,
  search TEXT NOT NULL
);
CREATE TABLE runs (
  id TEXT NOT NULL PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  "trigger" TEXT NOT NULL,
  record TEXT NOT NULL
);
${indexes}`,
  postgres: `
CREATE TABLE proposals (
  id text COLLATE "C" PRIMARY KEY,
  entity text COLLATE "C" NOT NULL,
  label text,
  qid text COLLATE "C" NOT NULL,
  field text COLLATE "C" NOT NULL,
  property text,
  kind text COLLATE "C" NOT NULL,
  local jsonb NOT NULL,
  remote jsonb NOT NULL,
  evidence jsonb NOT NULL,
  status text COLLATE "C" NOT NULL,
  first_seen text COLLATE "C" NOT NULL,
  last_seen text COLLATE "C" NOT NULL,
  first_run text COLLATE "C",
  last_run text COLLATE "C",
  superseded_by text,
  note text,
  reviewed_at text,
  applied_at text,
  search text COLLATE "C" NOT NULL
);
CREATE TABLE runs (
  id text COLLATE "C" PRIMARY KEY,
  started_at text COLLATE "C" NOT NULL,
  finished_at text,
  status text NOT NULL,
  "trigger" text NOT NULL,
  record jsonb NOT NULL
);
${indexes}`,
};
