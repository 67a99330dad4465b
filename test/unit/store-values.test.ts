// What text the proposal store refuses or cleans (src/sinks/store-values.ts), on plain data: the
// messages name the entity, the field and the place, and are safe to print.

import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/proposal.js';
import { emptyRun } from '../../src/model/run.js';
import { checkNote, checkReconcile, isStorable, storableRun } from '../../src/sinks/store-values.js';

const sora: Finding = {
  entity: 'sora',
  label: 'Sora',
  qid: 'Q124544998',
  field: 'followedBy',
  property: 'P156',
  kind: 'add',
  local: null,
  remote: { id: 'Q136505399', label: 'Sora 2' },
  evidence: { source: 'wikidata', url: 'https://www.wikidata.org/wiki/Q124544998#P156', retrievedAt: 't' },
};

const refusal = (call: () => void): { code?: string; message: string } => {
  try {
    call();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('not refused');
};

describe('isStorable', () => {
  it.each([
    ['plain text', 'Sora 2', true],
    ['an emoji (a surrogate pair)', 'Sora 🎬', true],
    ['U+FFFD', '\ufffd', true],
    ['U+0000', 'Sora\u00002', false],
    ['a lone high surrogate', 'Sora \ud83c', false],
    ['a lone low surrogate', '\udfac Sora', false],
    ['a pair in the wrong order', '\udfac\ud83c', false],
  ])('%s → %s', (_, text, expected) => {
    expect(isStorable(text)).toBe(expected);
  });
});

describe('checkReconcile', () => {
  it('accepts the findings of the entity', () => {
    expect(() => checkReconcile('sora', [sora, { ...sora, label: 'Sora 🎬' }], 'night-1')).not.toThrow();
  });

  it.each([
    [
      'U+0000 in a Wikidata label',
      { remote: { id: 'Q136505399', label: 'Sora\u00002' } },
      'U+0000 in remote.label',
    ],
    ['U+0000 in the record label', { label: 'So\u0000ra' }, 'U+0000 in label'],
    ['a lone surrogate in one of several values', { local: ['a', 'b\ud800'] }, '(U+D800) in local[1]'],
    ['U+0000 in a key of a value', { remote: { 'la\u0000bel': 'x' } }, 'U+0000 in a key in remote'],
    [
      'U+0000 in the evidence',
      { evidence: { ...sora.evidence, url: 'https://x\u0000' } },
      'U+0000 in evidence.url',
    ],
  ] as [string, Partial<Finding>, string][])(
    'refuses %s, naming entity, field and place',
    (_, change, place) => {
      const error = refusal(() => checkReconcile('sora', [sora, { ...sora, ...change }], 'night-1'));
      expect(error.code).toBe('BAD_VALUE');
      expect(error.message).toContain('reconcile("sora"): the finding of field "followedBy" ("add") holds');
      expect(error.message).toContain(place);
      expect(error.message).not.toMatch(/[\0\p{Cs}]/u);
    },
  );

  it('refuses an entity key the store cannot hold, printing it escaped', () => {
    const error = refusal(() => checkReconcile('so\u0000ra', [], 'night-1'));
    expect(error).toMatchObject({ code: 'BAD_VALUE' });
    expect(error.message).toContain('reconcile("so\\u0000ra"): the entity key holds U+0000');
  });

  it('refuses a finding of another entity as BAD_ARGUMENT', () => {
    expect(refusal(() => checkReconcile('veo', [sora], 'night-1'))).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining('a finding of entity "sora"'),
    });
  });
});

describe('checkNote', () => {
  it('takes no note or a plain one, refuses U+0000', () => {
    expect(() => checkNote(undefined)).not.toThrow();
    expect(() => checkNote('release date, not announcement 📅')).not.toThrow();
    expect(refusal(() => checkNote('pasted\u0000'))).toMatchObject({ code: 'BAD_VALUE' });
  });
});

describe('storableRun', () => {
  it('puts U+FFFD in place of what the store cannot hold, and returns a clean run as it is', () => {
    const run = emptyRun('night-1', 'nightly', '2025-10-01T03:00:00.000Z', ['sora']);
    expect(storableRun(run)).toBe(run);
    run.failures.push({ file: 'kb.jsonl', line: 3, reason: 'unparseable date "20\u000024"' });
    run.requests['wbgetentities\ud800'] = { requests: 1, bytes: 2 };
    const clean = storableRun(run);
    expect(clean.failures).toEqual([{ file: 'kb.jsonl', line: 3, reason: 'unparseable date "20\ufffd24"' }]);
    expect(clean.requests).toEqual({ 'wbgetentities\ufffd': { requests: 1, bytes: 2 } });
    expect(run.failures[0]?.reason).toContain('\u0000');
  });
});
