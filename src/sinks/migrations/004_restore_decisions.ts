// Gives back the decisions the earlier reconcile took away. It resolved or superseded accepted
// proposals whose finding went away or changed (an empty upstream answer was enough), and reopened them
// as open when the finding came back. A reviewed proposal that is now open, resolved or superseded can
// only have come from there: a review sets accepted or rejected (and reviewed_at), rejected ones were
// never settled, and only a run moves a proposal to open, resolved or superseded. So each was accepted
// when the run took it, and is accepted again, as today's reconcile would have left it.

import type { Migration } from './types.js';

const sql = `
UPDATE proposals SET status = 'accepted', superseded_by = NULL
WHERE reviewed_at IS NOT NULL AND status IN ('open', 'resolved', 'superseded');
`;

export const restoreDecisions: Migration = {
  version: 4,
  name: 'restore-decisions',
  sqlite: sql,
  postgres: sql,
};
