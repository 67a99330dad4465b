// Reading capture files into the fake's world (dev/fake-wikimedia/src/fixtures.ts): pure, with the
// captures of test/fixtures/wikimedia-captures as plain data.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectFixtures } from '../../src/fixtures.js';
import { fallbackChain } from '../../src/wbgetentities.js';

const capture = (name: string) => ({
  name,
  json: JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/wikimedia-captures/${name}`, import.meta.url), 'utf8'),
  ) as unknown,
});

describe('collectFixtures', () => {
  it('keeps the fragment of a redirect to a section', () => {
    const { wikis } = collectFixtures([capture('wyqi_enwiki_prefixsearch_redirect_tofragment.json')]);
    const en = wikis.get('en');
    expect(en?.redirects.get('Nikola Tesla (Sanctuary)')).toEqual({
      to: 'Characters of Sanctuary',
      fragment: 'Nikola Tesla',
    });
    expect(en?.redirects.get('Nikola Tesla (airport)')).toEqual({ to: 'Belgrade Nikola Tesla Airport' });
  });

  it('gives a page captured without revision facts numbers in their place, not NaN', () => {
    const { wikis } = collectFixtures([capture('wyqi_enwiki_prefixsearch_redirect_tofragment.json')]);
    const page = wikis.get('en')?.pages.get('Characters of Sanctuary');
    expect(page?.pageid).toBe(19599678);
    expect(Number.isInteger(page?.lastrevid)).toBe(true);
    expect(Number.isInteger(page?.length)).toBe(true);
    expect(page?.touched).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The same title always gets the same stand-ins (a second load, a second run).
    const again = collectFixtures([capture('wyqi_enwiki_prefixsearch_redirect_tofragment.json')]);
    expect(again.wikis.get('en')?.pages.get('Characters of Sanctuary')).toEqual(page);
  });

  it('does not take a languagefallback substitute for a term of the entity', () => {
    const { wikidata } = collectFixtures([
      capture('invented_wbgetentities_Q42_languagefallback_en_mul.json'),
    ]);
    const q42 = wikidata.entities.get('Q42');
    expect(q42?.labels).toEqual({ mul: { language: 'mul', value: 'Douglas Adams' } });
    expect(Object.keys(q42?.descriptions ?? {})).toEqual(['en']);
  });

  it('takes a Special:EntityData file (entities without success)', () => {
    const entityData = { entities: { Q1: { type: 'item', id: 'Q1', labels: {}, lastrevid: 7 } } };
    const fixtures = collectFixtures([{ name: 'Q1.json', json: entityData }]);
    expect(fixtures.files).toEqual(['Q1.json']);
    expect(fixtures.wikidata.entities.get('Q1')?.lastrevid).toBe(7);
  });
});

describe('fallbackChain', () => {
  it('is the language, its own fallbacks, then mul, then en (Wikibase LanguageFallbackChainFactory)', () => {
    expect(fallbackChain('en')).toEqual(['en', 'mul']);
    expect(fallbackChain('mul')).toEqual(['mul', 'en']);
    expect(fallbackChain('vi')).toEqual(['vi', 'mul', 'en']);
    expect(fallbackChain('de-formal')).toEqual(['de-formal', 'de', 'mul', 'en']);
  });
});
