// The URL check apply and the readers share (parseWebUrl): characters a URL must percent-encode are
// refused before `new URL` can normalise them away, with the character and its position; a card or a
// JSONL line stating such a URL is an unreadable record with that reason.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCard } from '../../src/local/read/card-parser.js';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import { parseWebUrl, quoted } from '../../src/model/values.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();

describe('parseWebUrl', () => {
  const refused: Array<[string, string]> = [
    ['https://example.org/a b', 'a space (U+0020) at character 22'],
    ['https://example.org/a\tb', 'a tab (U+0009) at character 22'],
    ['https://example.org/a\nb', 'a newline (U+000A) at character 22'],
    ['https://example.org/a\rb', 'a carriage return (U+000D) at character 22'],
    ['https://example.org/a\u00a0b', 'a whitespace character (U+00A0) at character 22'],
    ['https://example.org/a\u0000b', 'a control character (U+0000) at character 22'],
    ['https://example.org/a\u007fb', 'a control character (U+007F) at character 22'],
    ['https://example.org/a\u009bb', 'a control character (U+009B) at character 22'],
    ['https://example.org/a\u2028b', 'a line separator (U+2028) at character 22'],
    ['https://example.org/a\u2029b', 'a paragraph separator (U+2029) at character 22'],
    ['https://example.org/a\u202eb', 'a bidirectional control (U+202E) at character 22'],
    ['https://example.org/a\u2066b', 'a bidirectional control (U+2066) at character 22'],
    ['https://example.org/a<b', '"<" at character 22'],
    ['https://example.org/a>b', '">" at character 22'],
    ['https://example.org/a"b', 'a double quote (") at character 22'],
    ["https://example.org/a'b", "an apostrophe (') at character 22"],
    ['https://example.org/a`b', 'a backtick (`) at character 22'],
    ['https://example.org/a\\b', 'a backslash (\\) at character 22'],
  ];
  for (const [url, reason] of refused)
    it(`refuses ${quoted(url)}: ${reason}`, () => {
      const result = parseWebUrl(url);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain(`has ${reason}`);
      expect(!result.ok && result.reason).toContain('percent-encode');
      expect(!result.ok && result.reason).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
    });

  it('names the percent-encoding to use instead', () => {
    expect(parseWebUrl('https://example.org/a b')).toEqual({
      ok: false,
      reason: '"https://example.org/a b" has a space (U+0020) at character 22: percent-encode it as %20',
    });
    expect(parseWebUrl("https://example.org/it's")).toMatchObject({
      reason: expect.stringContaining('as %27'),
    });
    expect(parseWebUrl('https://example.org/a\u2028b')).toMatchObject({
      reason:
        '"https://example.org/a\\u2028b" has a line separator (U+2028) at character 22: percent-encode it as %E2%80%A8',
    });
  });

  it('trims the ends, and still accepts the URLs it accepted', () => {
    expect(parseWebUrl('  https://openai.com/sora \n')).toEqual({
      ok: true,
      value: 'https://openai.com/sora',
    });
    for (const url of [
      'https://en.wikipedia.org/wiki/Sora_(text-to-video_model)',
      'https://example.org/a%20b?q=1&r=%3C#top',
      'http://example.org/~user/*x*',
    ])
      expect(parseWebUrl(url)).toEqual({ ok: true, value: url });
    expect(parseWebUrl('javascript:alert(1)')).toEqual({
      ok: false,
      reason: '"javascript:alert(1)" is not an http(s) URL',
    });
  });
});

describe('readers refuse a record stating such a URL', () => {
  it('a card whose JSON-LD url has a space is unreadable, with the reason and line', () => {
    const text = readFileSync(new URL('../../examples/cards/sora.md', import.meta.url), 'utf8').replace(
      '"url": "https://openai.com/sora"',
      '"url": "https://openai.com/so ra"',
    );
    expect(parseCard(text, 'sora', 'sora.md', fields)).toEqual({
      ok: false,
      error: {
        file: 'sora.md',
        line: expect.any(Number),
        error:
          'JSON-LD url: "https://openai.com/so ra" has a space (U+0020) at character 22: percent-encode it as %20',
      },
    });
  });

  it('a JSONL website with a double quote is unreadable, with the reason', () => {
    const line = '{"key":"x","qid":"Q1","facts":{"website":"https://example.org/\\"x"}}';
    expect(parseJsonlRecord(line, 'entities.jsonl', 4, fields)).toEqual({
      ok: false,
      error: {
        file: 'entities.jsonl',
        line: 4,
        error:
          '"facts.website": "https://example.org/\\"x" has a double quote (") at character 21: percent-encode it as %22',
      },
    });
  });
});
