import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from '../../src/model/proposal.js';

/** canonicalJson as first written: proposal ids and record hashes stored by earlier runs depend on it. */
function firstCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(firstCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  const values: unknown[] = [
    null,
    'text with "quotes", \\ and é',
    42,
    true,
    [],
    {},
    { b: 1, a: [3, { z: null, y: 'x' }], c: undefined },
    { Ä: 1, a: 2, B: 3, _: 4, '10': 5, '9': 6 },
    [1, undefined, 'two', null, [[]]],
    // biome-ignore lint/suspicious/noSparseArray: a hole serialises as an empty member, as with join.
    [1, , 3],
    { time: { year: 2024, month: 2, precision: 'month' }, items: [{ id: 'Q1', label: 'A' }] },
  ];

  it('writes exactly what it always wrote', () => {
    for (const value of values) expect(canonicalJson(value)).toBe(firstCanonicalJson(value));
  });

  it('sorts keys at every level and leaves out undefined members', () => {
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: undefined, e: [{ g: 1, f: 2 }] })).toBe(
      '{"b":{"c":2,"d":1},"e":[{"f":2,"g":1}]}',
    );
  });

  it('keeps proposal ids stable', () => {
    const finding = {
      entity: 'sora',
      field: 'developer',
      kind: 'add' as const,
      local: null,
      remote: [{ id: 'Q21708200' as const, label: 'OpenAI' }],
    };
    expect(fingerprint(finding)).toBe(
      fingerprint({ ...finding, remote: [{ label: 'OpenAI', id: 'Q21708200' }] }),
    );
    expect(fingerprint(finding)).toMatch(/^[0-9a-f]{20}$/);
  });
});
