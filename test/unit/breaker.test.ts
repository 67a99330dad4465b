import { describe, expect, it } from 'vitest';
import { type BreakerSettings, tripBreaker } from '../../src/model/breaker.js';

const defaults: BreakerSettings = { maxNewShare: 0.05, maxNewFieldShare: 0.05, minHeld: 20 };

describe('tripBreaker', () => {
  const cases: {
    name: string;
    compared: number;
    newByField: Record<string, number>;
    settings?: Partial<BreakerSettings>;
    held: boolean;
    fields?: string[];
  }[] = [
    { name: 'a normal night', compared: 1000, newByField: { developer: 10, website: 12 }, held: false },
    { name: 'exactly the share', compared: 1000, newByField: { developer: 25, website: 25 }, held: false },
    {
      name: 'over the share, spread over fields',
      compared: 1000,
      newByField: { developer: 20, website: 20, announced: 20 },
      held: true,
      fields: [],
    },
    {
      name: 'one field over its share',
      compared: 1000,
      newByField: { developer: 51 },
      settings: { maxNewShare: 0.5 },
      held: true,
      fields: ['developer'],
    },
    { name: 'a small store under the minimum', compared: 10, newByField: { website: 10 }, held: false },
    { name: 'a small store over the minimum', compared: 10, newByField: { website: 21 }, held: true },
    { name: 'nothing compared', compared: 0, newByField: {}, held: false },
    {
      name: 'both shares off',
      compared: 1000,
      newByField: { website: 900 },
      settings: { maxNewShare: 0, maxNewFieldShare: 0 },
      held: false,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const verdict = tripBreaker(
        { compared: c.compared, newByField: c.newByField },
        { ...defaults, ...c.settings },
      );
      expect(verdict.held).toBe(c.held);
      if (c.fields) expect(verdict.fields).toEqual(c.fields);
      expect(verdict.reason === '').toBe(!c.held);
    });

  it('says the counts, the share and the field in its reason', () => {
    const verdict = tripBreaker({ compared: 200, newByField: { developer: 150 } }, defaults);
    expect(verdict.reason).toContain('150 new proposals for 200 entities compared (75 %, more than 5 %)');
    expect(verdict.reason).toContain('field developer');
  });
});
