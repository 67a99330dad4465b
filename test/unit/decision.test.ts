import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allowedSides,
  decisionRefusal,
  isDecidedForCard,
  isDecidedForWikidata,
  naturalSide,
  parseUntil,
  resolveSide,
  sideOf,
} from '../../src/model/decision.js';
import { PROPOSAL_KINDS } from '../../src/model/proposal.js';

describe('allowedSides', () => {
  it('offers each kind the sides that make sense for it (the README table)', () => {
    expect(Object.fromEntries(PROPOSAL_KINDS.map((kind) => [kind, allowedSides(kind)]))).toEqual({
      add: ['card', 'wikidata', 'both', 'none'],
      update: ['card', 'wikidata', 'both', 'none'],
      upstream: ['wikidata', 'none'],
      ended: ['card', 'wikidata', 'both', 'none'],
      conflict: ['card', 'wikidata', 'both', 'none'],
      'local-conflict': ['card', 'none'],
      redirect: ['card', 'none'],
      missing: ['card', 'wikidata', 'none'],
      moved: ['card', 'none'],
      mismatch: ['card', 'wikidata', 'none'],
    });
  });

  it('is what the README’s table of kinds says, natural side included', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| kind | sides allowed |')).split('\n\n')[0] ?? '';
    const rows = table.split('\n').slice(2);
    const documented = new Map<string, [string[], string]>();
    for (const row of rows) {
      const [kinds = '', sides = '', accept = ''] = row
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      for (const kind of kinds.match(/`[a-z-]+`/g) ?? [])
        documented.set(kind.slice(1, -1), [sides.split(', '), accept.split(' ')[0] ?? '']);
    }
    expect(Object.fromEntries(documented)).toEqual(
      Object.fromEntries(PROPOSAL_KINDS.map((kind) => [kind, [[...allowedSides(kind)], naturalSide(kind)]])),
    );
  });

  it('always allows none and the natural side; a kind it does not know only none', () => {
    for (const kind of PROPOSAL_KINDS) {
      expect(allowedSides(kind)).toContain('none');
      expect(allowedSides(kind)).toContain(naturalSide(kind));
    }
    expect(allowedSides('held')).toEqual(['none']);
  });
});

describe('decision words', () => {
  it('maps accept(ed) to the kind’s natural side and reject(ed) to none', () => {
    expect(sideOf('accepted')).toBe('natural');
    expect(sideOf('accept')).toBe('natural');
    expect(sideOf('rejected')).toBe('none');
    expect(sideOf('reject')).toBe('none');
    expect(sideOf('wikidata')).toBe('wikidata');
    expect(sideOf('external')).toBeUndefined();
    expect(sideOf('constructor')).toBeUndefined();
    expect(resolveSide('update', 'natural')).toBe('card');
    expect(resolveSide('upstream', 'natural')).toBe('wikidata');
    expect(resolveSide('conflict', 'natural')).toBe('wikidata');
    expect(resolveSide('upstream', 'none')).toBe('none');
  });

  it('refuses a side the kind does not allow, naming the proposal, its kind and what is allowed', () => {
    expect(decisionRefusal({ id: 'abc123', kind: 'upstream' }, { side: 'card' })).toBe(
      'abc123: a upstream proposal cannot be decided "card"; allowed: wikidata, none',
    );
    expect(decisionRefusal({ id: 'abc123', kind: 'local-conflict' }, { side: 'both' })).toMatch(
      /allowed: card, none$/,
    );
    expect(decisionRefusal({ id: 'abc123', kind: 'upstream' }, { side: 'natural' })).toBeUndefined();
    expect(decisionRefusal({ id: 'abc123', kind: 'upstream' }, { until: '2027-01-01' })).toBeUndefined();
  });
});

describe('parseUntil', () => {
  it('takes a real calendar day as YYYY-MM-DD and names what is wrong otherwise', () => {
    expect(parseUntil('2027-02-28')).toEqual({ ok: true, until: '2027-02-28' });
    expect(parseUntil('2027-02-30')).toEqual({
      ok: false,
      reason: 'expected a date as YYYY-MM-DD, got "2027-02-30"',
    });
    expect(parseUntil('next week').ok).toBe(false);
    expect(parseUntil('2027-1-5').ok).toBe(false);
  });
});

describe('what apply and the exports follow', () => {
  it('apply writes card and both decisions; the Wikidata exports carry wikidata and both', () => {
    const decided = (side: 'card' | 'wikidata' | 'both' | 'none') => ({ status: 'decided', side }) as const;
    expect(
      ['card', 'wikidata', 'both', 'none'].map((side) => isDecidedForCard(decided(side as 'card'))),
    ).toEqual([true, false, true, false]);
    expect(
      ['card', 'wikidata', 'both', 'none'].map((side) => isDecidedForWikidata(decided(side as 'card'))),
    ).toEqual([false, true, true, false]);
    expect(isDecidedForWikidata({ status: 'applied', side: 'both' })).toBe(true);
    expect(isDecidedForCard({ status: 'applied', side: 'card' })).toBe(false);
    expect(isDecidedForCard({ status: 'open' })).toBe(false);
  });
});
