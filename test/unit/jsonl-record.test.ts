import { describe, expect, it } from 'vitest';
import { recordToJson } from '../../src/model/record.js';
import { parseJsonlRecord } from '../../src/sources/local/jsonl-record.js';
import { testConfig } from '../helpers/config.js';

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
