import { describe, expect, it } from 'vitest';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import { recordToJson } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const parse = (line: string) => parseJsonlRecord(line, 'kb.jsonl', 7, fields);

const SORA = {
  key: 'sora',
  qid: 'Q124544998',
  label: 'Sora',
  description: 'text-to-video model',
  wikipedia: { lang: 'en', title: 'Sora (text-to-video model)' },
  facts: {
    announced: '2024-02-15',
    followedBy: 'Sora 2',
    developer: ['OpenAI'],
    website: 'https://openai.com/sora',
    instanceOf: ['text-to-video model'],
  },
};

describe('a JSONL record (SPEC §2)', () => {
  it('reads the spec example and prints it back unchanged', () => {
    const result = parse(JSON.stringify(SORA));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(recordToJson(result.record, fields)).toEqual(SORA);
    expect(result.record).toMatchObject({ file: 'kb.jsonl', line: 7 });
  });

  it('reads items as labels, QIDs or both', () => {
    const line = JSON.stringify({
      key: 'x',
      qid: 'Q1',
      facts: { developer: ['OpenAI', 'Q21708200', { id: 'Q95', label: 'Google' }] },
    });
    const result = parse(line);
    expect(result.ok && result.record.facts.developer).toEqual([
      { label: 'OpenAI' },
      { id: 'Q21708200' },
      { id: 'Q95', label: 'Google' },
    ]);
  });

  it('warns about unknown fields instead of dropping them silently', () => {
    const result = parse(JSON.stringify({ key: 'x', qid: 'Q1', facts: { anounced: '2024' }, extra: 1 }));
    expect(result.ok && result.warnings.map((w) => w.warning)).toEqual([
      'unknown key "extra" ignored',
      'unknown field "facts.anounced" ignored (not in the config\'s fields)',
    ]);
  });
});

describe('the source a JSONL record cites', () => {
  it('reads "source" and prints it back unchanged', () => {
    const cited = { ...SORA, source: 'https://openai.com/index/sora/' };
    const result = parse(JSON.stringify(cited));
    if (!result.ok) throw new Error(result.error.error);
    expect(result.record.source).toBe('https://openai.com/index/sora/');
    expect(recordToJson(result.record, fields)).toEqual(cited);
    expect(result.warnings).toEqual([]);
  });

  it('reads the record without it, with a warning, when it is not a web URL', () => {
    for (const [source, why] of [
      ['ftp://example.org/kb', /not an http\(s\) URL/],
      [42, /expected a URL string, got/],
    ] as const) {
      const result = parse(JSON.stringify({ ...SORA, source }));
      if (!result.ok) throw new Error(result.error.error);
      expect(result.record.source).toBeUndefined();
      expect(result.record.facts.announced).toBeDefined();
      expect(result.warnings.map((w) => w.warning)).toEqual([expect.stringMatching(why)]);
      expect(result.warnings[0]?.warning).toMatch(/^"source": .*; the record has no source$/);
    }
  });
});

describe('an unreadable JSONL record names its reason', () => {
  it.each([
    ['{"key":"x","qid":"Q1"', 'invalid JSON'],
    ['[1,2]', 'expected a JSON object, got an array'],
    ['{"qid":"Q1"}', 'missing "key"'],
    ['{"key":"a/b","qid":"Q1"}', 'contains "/"'],
    ['{"key":"x"}', 'missing "qid"'],
    ['{"key":"x","qid":"q1"}', 'the Q must be upper-case'],
    ['{"key":"x","qid":"Q1x"}', 'expected Q followed by digits'],
    ['{"key":"x","qid":42}', 'expected a QID string'],
    [
      '{"key":"x","qid":"Q1","facts":{"announced":"2024-02-30"}}',
      '"facts.announced": unparseable date "2024-02-30": day 30 does not exist in 2024-02',
    ],
    ['{"key":"x","qid":"Q1","facts":{"announced":20240215}}', 'expected a date string, got number'],
    [
      '{"key":"x","qid":"Q1","facts":{"developer":[{"id":"bad"}]}}',
      '"facts.developer": [0]: item id "bad" is not a QID',
    ],
    ['{"key":"x","qid":"Q1","facts":{"website":"javascript:alert(1)"}}', 'is not an http(s) URL'],
    ['{"key":"x","qid":"Q1","facts":{"followedBy":["A","B"]}}', 'expected one value, got a list of 2'],
    ['{"key":"x","qid":"Q1","label":["Sora"]}', '"label": expected text'],
    [
      '{"key":"x","qid":"Q1","wikipedia":{"lang":"en","title":"../../w/api.php?action=delete"}}',
      'relative path',
    ],
    ['{"key":"x","qid":"Q1","wikipedia":{"lang":"en/../evil","title":"Sora"}}', '"wikipedia.lang"'],
    ['{"key":"x","qid":"Q1","facts":"none"}', '"facts": expected an object'],
  ])('%s', (line, reason) => {
    const result = parse(line);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ file: 'kb.jsonl', line: 7 });
    expect(result.error.error).toContain(reason);
  });
});

describe('the conflicts of a JSONL record are read whole', () => {
  const conflicts = [
    {
      field: 'announced',
      values: [
        { value: '2024-03-01', where: 'Key Facts', line: 8 },
        { value: '2024-03-02', where: 'JSON-LD datePublished' },
      ],
    },
    {
      field: 'developer',
      values: [
        { value: ['OpenAI', { id: 'Q95', label: 'Google' }], where: 'Key Facts', line: 9 },
        { value: ['Microsoft'], where: 'JSON-LD', line: 20 },
      ],
    },
    {
      field: 'wikipedia',
      values: [
        { value: { lang: 'en', title: 'Sora' }, where: 'header Wikipedia link', line: 6 },
        { value: { lang: 'en', title: 'Sora (model)' }, where: 'JSON-LD sameAs', line: 21 },
      ],
    },
  ];

  it('reads well-formed conflicts and prints them back unchanged', () => {
    const result = parse(JSON.stringify({ ...SORA, conflicts }));
    expect(result.ok && recordToJson(result.record, fields)).toEqual({ ...SORA, conflicts });
  });

  it('takes "conflicts": null and [] as none', () => {
    for (const none of [null, []]) {
      const result = parse(JSON.stringify({ key: 'x', qid: 'Q1', conflicts: none }));
      expect(result.ok && result.record.conflicts).toEqual([]);
    }
  });

  const line = (value: unknown) => JSON.stringify({ key: 'x', qid: 'Q1', conflicts: value });
  const two = [
    { value: 'a', where: 'title' },
    { value: 'b', where: 'JSON-LD name' },
  ];
  it.each([
    [
      [{ field: 'label' }],
      '"conflicts[0].values": expected a list of 2 or more {"value","where","line"}, got nothing',
    ],
    [{ field: 'label' }, '"conflicts": expected a list, got an object'],
    ['label', '"conflicts": expected a list, got the string "label"'],
    [
      ['label'],
      '"conflicts[0]": expected an object such as {"field":…,"values":[…]}, got the string "label"',
    ],
    [[null], '"conflicts[0]": expected an object such as {"field":…,"values":[…]}, got null'],
    [[{ values: two }], '"conflicts[0].field": expected a field name, got nothing'],
    [
      [{ field: 'colour', values: two }],
      '"conflicts[0].field": "colour" is not a configured field (nor qid, label, description or wikipedia)',
    ],
    [
      [{ field: 'label', values: 'x' }],
      '"conflicts[0].values": expected a list of 2 or more {"value","where","line"}, got the string "x"',
    ],
    [
      [{ field: 'label', values: [two[0]] }],
      '"conflicts[0].values": expected a list of 2 or more {"value","where","line"}, got a list of 1',
    ],
    [
      [{ field: 'label', values: [two[0], 'b'] }],
      '"conflicts[0].values[1]": expected an object such as {"value":…,"where":"…"}, got the string "b"',
    ],
    [[{ field: 'label', values: [two[0], { where: 'x' }] }], '"conflicts[0].values[1].value": missing'],
    [
      [{ field: 'label', values: [two[0], { value: 'b' }] }],
      '"conflicts[0].values[1].where": expected text, got nothing',
    ],
    [
      [{ field: 'label', values: [two[0], { value: 'b', where: 7 }] }],
      '"conflicts[0].values[1].where": expected text, got number 7',
    ],
    [
      [{ field: 'label', values: [{ ...two[0], line: 0 }, two[1]] }],
      '"conflicts[0].values[0].line": expected a line number (1 or more), got number 0',
    ],
    [
      [{ field: 'label', values: [{ ...two[0], line: '3' }, two[1]] }],
      '"conflicts[0].values[0].line": expected a line number (1 or more), got the string "3"',
    ],
    [
      [{ field: 'label', values: [{ ...two[0], line: 2.5 }, two[1]] }],
      '"conflicts[0].values[0].line": expected a line number (1 or more), got number 2.5',
    ],
    [
      [{ field: 'label', values: [{ value: [['deep']], where: 'x' }, two[1]] }],
      '"conflicts[0].values[0].value[0]": expected text or an object of texts, got an array',
    ],
    [
      [{ field: 'label', values: [{ value: { id: 7 }, where: 'x' }, two[1]] }],
      '"conflicts[0].values[0].value.id": expected text, got number 7',
    ],
    [
      [
        { field: 'label', values: two },
        { field: 'qid', values: [] },
      ],
      '"conflicts[1].values": expected a list of 2 or more {"value","where","line"}, got a list of 0',
    ],
  ])('refuses %j', (value, reason) => {
    const result = parse(line(value));
    expect(result.ok ? 'read' : result.error).toEqual({ file: 'kb.jsonl', line: 7, error: reason });
  });
});

describe('text the store cannot hold: U+0000 and lone UTF-16 surrogates', () => {
  // JSON escapes: the line itself is valid UTF-8 without NUL bytes, but its strings are not storable.
  it.each([
    ['{"key":"x","qid":"Q1","label":"Sora\\u0000"}', '"label": contains U+0000 (NUL)'],
    ['{"key":"x\\ud800","qid":"Q1"}', '"key": contains a lone UTF-16 surrogate (U+D800)'],
    [
      '{"key":"x","qid":"Q1","description":"a \\udfff b"}',
      '"description": contains a lone UTF-16 surrogate (U+DFFF)',
    ],
    [
      '{"key":"x","qid":"Q1","wikipedia":{"lang":"en","title":"Sora\\ud83d"}}',
      '"wikipedia.title": contains a lone UTF-16 surrogate (U+D83D)',
    ],
    [
      '{"key":"x","qid":"Q1","facts":{"developer":["OpenAI",{"id":"Q95","label":"Goo\\u0000gle"}]}}',
      '"facts.developer[1].label": contains U+0000 (NUL)',
    ],
    [
      '{"key":"x","qid":"Q1","facts":{"followedBy":"\\udc00"}}',
      '"facts.followedBy": contains a lone UTF-16 surrogate (U+DC00)',
    ],
    [
      '{"key":"x","qid":"Q1","conflicts":[{"field":"label","values":[{"value":"a","where":"t"},{"value":"b","where":"\\u0000"}]}]}',
      '"conflicts[0].values[1].where": contains U+0000 (NUL)',
    ],
    [
      '{"key":"x","qid":"Q1","conflicts":[{"field":"label","values":[{"value":{"lang":"en","title":"\\ud800"},"where":"t"},{"value":"b","where":"w"}]}]}',
      '"conflicts[0].values[0].value.title": contains a lone UTF-16 surrogate (U+D800)',
    ],
  ])('%s', (text, reason) => {
    const result = parse(text);
    expect(result.ok ? 'read' : result.error.error).toBe(`${reason}, which the store cannot hold`);
  });

  it('names a key of an object that holds such text', () => {
    const result = parse('{"key":"x","qid":"Q1","facts":{"a\\u0000b":"c"}}');
    expect(result.ok ? 'read' : result.error.error).toBe(
      '"facts": a key contains U+0000 (NUL), which the store cannot hold',
    );
  });

  it('keeps a well-formed surrogate pair (an emoji)', () => {
    const result = parse('{"key":"x","qid":"Q1","label":"Sora \\ud83c\\udfac"}');
    expect(result.ok && result.record.label).toBe('Sora 🎬');
  });
});
