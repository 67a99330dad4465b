// Decisions by side (issue 16): `accepted` and `rejected` become status `decided` with the side the
// reviewer meant — accepted as the kind's natural side (what `accept` means now: the card, but Wikidata
// for `upstream` and `conflict`), rejected as `none` —, keeping their notes and review times. Applied
// proposals were accepted and written into the card: side `card`. `snoozed_until` holds a snooze's date.
// The mapping is written out here, not read from src/model/decision.ts: a shipped migration must not
// change when the model does.

import type { Migration } from './types.js';

const mapping = `
UPDATE proposals SET status = 'decided',
  side = CASE WHEN kind IN ('upstream', 'conflict') THEN 'wikidata' ELSE 'card' END
WHERE status = 'accepted';
UPDATE proposals SET status = 'decided', side = 'none' WHERE status = 'rejected';
UPDATE proposals SET side = 'card' WHERE status = 'applied';
`;

export const decisionSides: Migration = {
  version: 5,
  name: 'decision-sides',
  sqlite: `
ALTER TABLE proposals ADD COLUMN side TEXT;
ALTER TABLE proposals ADD COLUMN snoozed_until TEXT;
${mapping}`,
  postgres: `
ALTER TABLE proposals ADD COLUMN side text COLLATE "C", ADD COLUMN snoozed_until text COLLATE "C";
${mapping}`,
};
