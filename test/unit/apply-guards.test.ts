// The guards apply asks before writing (guards.ts), on plain data: the record's hash then and now, the
// latest look at the entity the store shows, and the sync state's revisions.

import { describe, expect, it } from 'vitest';
import { type LastCompared, movedGuard, REFUSED, type Sighting } from '../../src/local/write/guards.js';
import type { Evidence, Proposal } from '../../src/model/proposal.js';
import { type LocalRecord, recordToJson } from '../../src/model/record.js';
import { recordHash } from '../../src/model/record-hash.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const record: LocalRecord = { key: 'sora', qid: 'Q124544998', facts: {}, conflicts: [], file: 'sora.md' };
const hash = recordHash(record, fields);

function proposal(evidence: Partial<Evidence> = {}, lastSeen = '2025-10-01T03:00:00Z'): Proposal {
  return {
    id: 'p1',
    entity: 'sora',
    qid: 'Q124544998',
    field: 'announced',
    kind: 'update',
    local: '2024-02-15',
    remote: '2024-02-16',
    evidence: {
      source: 'wikidata',
      url: 'https://www.wikidata.org/wiki/Q124544998',
      retrievedAt: lastSeen,
      revision: 100,
      recordHash: hash,
      ...evidence,
    },
    status: 'decided',
    side: 'card',
    firstSeen: lastSeen,
    lastSeen,
    lastRun: 'run-1',
  };
}

const guard = (sightings: Record<string, Sighting> = {}, compared: Record<string, LastCompared> = {}) =>
  movedGuard(new Map(Object.entries(sightings)), fields, 'card', new Map(Object.entries(compared)));

describe('the record side', () => {
  it('passes a proposal found against the record as it reads now', () => {
    expect(guard()(proposal(), record)).toBeUndefined();
  });

  it('refuses one found against another version of the record, and one that kept no hash', () => {
    const edited = { ...record, label: 'Sora (model)' };
    expect(recordToJson(edited, fields)).not.toEqual(recordToJson(record, fields));
    expect(guard()(proposal(), edited)).toMatchObject({
      code: REFUSED.localChanged,
      reason:
        'the card changed since run run-1 compared it: not written over the edit; the next run (or `factsync refresh sora`) compares the edited card again',
    });
    expect(guard()(proposal({ recordHash: undefined }), record)).toMatchObject({
      code: REFUSED.noRecordHash,
    });
  });
});

describe('the remote side', () => {
  const later = { lastSeen: '2025-10-02T03:00:00Z', lastRun: 'run-2' };

  it('refuses a difference a later run read the entity without finding, naming both revisions', () => {
    const moved = guard({ sora: { ...later, revisions: { wikidata: 101 } } })(proposal(), record);
    expect(moved).toEqual({
      id: 'p1',
      code: REFUSED.remoteMoved,
      reason:
        "Wikidata's item moved from revision 100 (what was reviewed) to 101 (read by run run-2), and this difference was not found there: not written; the next run re-checks it (`factsync refresh sora` does now), then review what it finds",
    });
    const unknown = guard({ sora: { ...later, revisions: {} } })(proposal(), record);
    expect(unknown?.reason).toMatch(/^run run-2 read sora again and no longer found this difference: /);
  });

  it('passes a difference the latest look found again', () => {
    const same = { lastSeen: '2025-10-01T03:00:00Z', lastRun: 'run-1', revisions: { wikidata: 100 } };
    expect(guard({ sora: same })(proposal(), record)).toBeUndefined();
  });

  it("asks the sync state: the item's revision, or the page's for a Wikipedia difference", () => {
    const compared = (itemRev: number, pageRev: number) => ({
      sora: { itemRev, pageRev, checkedAt: '2025-10-02T03:00:01Z' },
    });
    expect(guard({}, compared(100, 7))(proposal(), record)).toBeUndefined();
    expect(guard({}, compared(101, 7))(proposal(), record)).toMatchObject({
      code: REFUSED.remoteMoved,
      reason: expect.stringMatching(
        /^Wikidata's item was at revision 101 when factsync last compared it \(2025-10-02T03:00:01Z\), and this difference was found at revision 100: not written; /,
      ),
    });
    const page = proposal({ source: 'wikipedia', revision: 7 });
    expect(guard({}, compared(101, 7))(page, record)).toBeUndefined();
    expect(guard({}, compared(100, 8))(page, record)?.reason).toMatch(
      /^the Wikipedia page was at revision 8 /,
    );
  });
});
