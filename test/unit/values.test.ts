import { describe, expect, it } from 'vitest';
import { isItemId, itemIdFromUrl, itemIdProblem } from '../../src/model/ids.js';
import { labelKey, normalizeText, parseItemRef, urlKey } from '../../src/model/values.js';
import { parseWikipediaUrl, wikipediaTitleProblem } from '../../src/model/wikipedia.js';

describe('item ids', () => {
  it('accepts Q followed by digits only', () => {
    expect(isItemId('Q124544998')).toBe(true);
    for (const bad of ['q124544998', 'Q', 'Q0', 'Q12a', ' Q1', 'P31', 124544998])
      expect(isItemId(bad)).toBe(false);
  });

  it('explains a lowercase QID', () => {
    expect(itemIdProblem('q42')).toContain('the Q must be upper-case ("Q42")');
    expect(itemIdProblem('Q42x')).toContain('expected Q followed by digits');
    expect(itemIdProblem('Q42')).toBeUndefined();
  });

  it('reads the QID of Wikidata entity URLs', () => {
    expect(itemIdFromUrl('https://www.wikidata.org/wiki/Q124544998')).toBe('Q124544998');
    expect(itemIdFromUrl('http://www.wikidata.org/entity/Q42')).toBe('Q42');
    expect(itemIdFromUrl('https://example.org/wiki/Q42')).toBeUndefined();
  });
});

describe('text and labels (SPEC §3)', () => {
  it('normalises text to NFC with whitespace collapsed, otherwise exact', () => {
    expect(normalizeText('  Cafe\u0301   society \n')).toBe('Café society');
    expect(normalizeText('Sora')).not.toBe(normalizeText('sora'));
  });

  it('gives plain ASCII text (its fast path) and every other text what NFC and the collapse give', () => {
    const reference = (text: string) => text.normalize('NFC').replace(/\s+/gu, ' ').trim();
    const cases = [
      'Glyix 0 (software)',
      'a b',
      'a  b',
      ' a',
      'a ',
      'a\tb',
      'a\nb',
      'a\u00a0b',
      '',
      ' ',
      '~!',
      '\x7f',
      'a\u2028b',
      'x\u0301',
    ];
    // Every string of up to 4 characters over an alphabet of plain and not-so-plain characters.
    const alphabet = ['a', ' ', '\t', '\u00a0', 'e', '\u0301', '~', '\x7f', '\n', '\u3000'];
    const all = (length: number): string[] =>
      length === 0 ? [''] : all(length - 1).flatMap((rest) => alphabet.map((c) => c + rest));
    for (const text of [...cases, ...[1, 2, 3, 4].flatMap(all)])
      expect(normalizeText(text), JSON.stringify(text)).toBe(reference(text));
  });

  it('matches labels case-, whitespace- and accent-insensitively', () => {
    expect(labelKey('Café  Society')).toBe(labelKey('cafe society'));
    expect(labelKey('ÉCOLE')).toBe(labelKey('ecole'));
    expect(labelKey('OpenAI')).not.toBe(labelKey('Open AI'));
  });
});

describe('URLs (SPEC §3)', () => {
  it('treats scheme, host case and a trailing slash as the same URL', () => {
    expect(urlKey('https://openai.com/sora')).toBe(urlKey('http://OpenAI.com/sora/'));
    expect(urlKey('https://openai.com/')).toBe(urlKey('https://openai.com'));
  });

  it('keeps the path exact', () => {
    expect(urlKey('https://openai.com/Sora')).not.toBe(urlKey('https://openai.com/sora'));
  });
});

describe('item references', () => {
  it('reads a label, a QID or both', () => {
    expect(parseItemRef('OpenAI')).toEqual({ ok: true, value: { label: 'OpenAI' } });
    expect(parseItemRef('Q21708200')).toEqual({ ok: true, value: { id: 'Q21708200' } });
    expect(parseItemRef({ id: 'Q21708200', label: 'OpenAI' })).toEqual({
      ok: true,
      value: { id: 'Q21708200', label: 'OpenAI' },
    });
  });

  it('rejects what is not an item', () => {
    expect(parseItemRef(42).ok).toBe(false);
    expect(parseItemRef({ id: 'q1' }).ok).toBe(false);
    expect(parseItemRef({}).ok).toBe(false);
    expect(parseItemRef('  ').ok).toBe(false);
  });
});

describe('Wikipedia links', () => {
  it('takes the language from the host and decodes the title', () => {
    expect(parseWikipediaUrl('https://en.wikipedia.org/wiki/Sora_(text-to-video_model)')).toEqual({
      ok: true,
      value: { lang: 'en', title: 'Sora (text-to-video model)' },
    });
    expect(parseWikipediaUrl('https://de.m.wikipedia.org/wiki/Caf%C3%A9')).toEqual({
      ok: true,
      value: { lang: 'de', title: 'Café' },
    });
  });

  it('refuses titles that could change the request path', () => {
    expect(wikipediaTitleProblem('../../w/api.php')).toContain('relative path');
    expect(wikipediaTitleProblem('Sora#History')).toContain('character titles cannot have');
    expect(wikipediaTitleProblem('100%25')).toContain('percent-encoded');
    expect(parseWikipediaUrl('https://en.wikipedia.org/wiki/%E0%A4%A').ok).toBe(false);
    expect(parseWikipediaUrl('https://evil.example/wiki/Sora').ok).toBe(false);
  });
});
