// The run reports stream a run's proposals in entity order, in keyset pages. Each page seeks the run's
// proposals by (first_run | last_run, entity, id) instead of collecting and sorting the whole run, so
// the single-column run indexes become these; every query that used them can use the new ones.

import type { Migration } from './types.js';

const sql = `
DROP INDEX proposals_by_first_run;
DROP INDEX proposals_by_last_run;
CREATE INDEX proposals_by_first_run_entity ON proposals (first_run, entity, id);
CREATE INDEX proposals_by_last_run_entity ON proposals (last_run, entity, id);
`;

export const runEntityOrder: Migration = {
  version: 2,
  name: 'run-entity-order',
  sqlite: sql,
  postgres: sql,
};
