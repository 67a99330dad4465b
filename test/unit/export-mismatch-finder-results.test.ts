// The Mismatch Finder results file: every decision as Mismatch Finder's review status, in the columns
// its results file has (test/fixtures/mismatch-finder/README.md cites the sources).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/model/proposal.js';
import {
  reviewStatusOf,
  writeMismatchFinderResults,
} from '../../src/sinks/export/mismatch-finder-results.js';
import { testConfig } from '../support/config.js';

const fields = testConfig().fields;
const GUID = 'Q124544998$4ec97866-4a24-08a5-6065-b2a2d3dc5839';
const FIXTURE = new URL('../fixtures/mismatch-finder/results.csv', import.meta.url);

const update = (local: string, decision: Partial<Proposal>): Proposal => ({
  id: `p-${local}`,
  entity: 'sora',
  label: 'Sora',
  qid: 'Q124544998',
  field: 'announced',
  property: 'P6949',
  kind: 'update',
  local,
  remote: '2024-02-14',
  evidence: {
    source: 'wikidata',
    url: `https://www.wikidata.org/wiki/Q124544998#${GUID}`,
    retrievedAt: '2026-11-25T03:00:00Z',
    statementId: GUID,
  },
  status: 'open',
  firstSeen: '2026-11-25T03:00:02Z',
  lastSeen: '2026-11-25T03:00:02Z',
  ...decision,
});

const upstream: Proposal = {
  ...update('x', {}),
  id: 'p-website',
  field: 'website',
  property: 'P856',
  kind: 'upstream',
  local: 'https://openai.com/sora',
  remote: null,
  evidence: {
    source: 'wikidata',
    url: 'https://www.wikidata.org/wiki/Q124544998',
    retrievedAt: '2026-11-25T03:00:00Z',
  },
  status: 'decided',
  side: 'wikidata',
};

async function* stream(proposals: readonly Proposal[]): AsyncIterable<Proposal> {
  yield* proposals;
}

describe('reviewStatusOf', () => {
  it('maps each side to Mismatch Finder’s review status', () => {
    expect(reviewStatusOf(update('a', { status: 'decided', side: 'wikidata' }))).toBe('wikidata');
    expect(reviewStatusOf(upstream)).toBe('missing');
    expect(reviewStatusOf(update('a', { status: 'decided', side: 'card' }))).toBe('external');
    expect(reviewStatusOf(update('a', { status: 'applied', side: 'both' }))).toBe('both');
    expect(reviewStatusOf(update('a', { status: 'decided', side: 'none' }))).toBe('none');
    expect(reviewStatusOf(update('a', {}))).toBe('pending');
    expect(reviewStatusOf(update('a', { status: 'snoozed', snoozedUntil: '2027-01-01' }))).toBe('pending');
  });
});

describe('writeMismatchFinderResults', () => {
  it('writes every decision with its review status, as the fixture shows', async () => {
    let text = '';
    const report = await writeMismatchFinderResults(
      stream([
        update('2024-02-15', { status: 'decided', side: 'wikidata' }),
        update('2024-02-16', { status: 'applied', side: 'card' }),
        update('2024-02-17', { status: 'decided', side: 'both' }),
        update('2024-02-18', { status: 'decided', side: 'none' }),
        update('2024-02-19', { status: 'snoozed', snoozedUntil: '2999-01-01' }),
        upstream,
        update('2024-02-20', { status: 'resolved' }),
      ]),
      fields,
      async (piece) => {
        text += piece;
      },
    );
    expect(text).toBe(readFileSync(FIXTURE, 'utf8'));
    expect(report.exported).toBe(6);
    expect(report.skipped).toEqual([{ id: 'p-2024-02-20', reason: 'resolved: the finding no longer holds' }]);
  });
});
