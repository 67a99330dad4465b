// recordHash: sha1 of canonicalJson({ fields, record }), its first 16 hex digits. The sync state and every
// proposal's evidence keep it, so a faster way of working it out must give the same digest as before.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatedRecord } from '../../dev/fake-wikimedia/src/index.js';
import { loadConfig } from '../../src/config.js';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import type { FieldSpec } from '../../src/model/fields.js';
import { canonicalJson } from '../../src/model/proposal.js';
import { type LocalRecord, recordToJson } from '../../src/model/record.js';
import { canonicalRecordJson, recordHash } from '../../src/model/record-hash.js';

const { fields } = loadConfig({ env: {} });

const record = (key: string, label: string): LocalRecord => ({
  key,
  qid: 'Q42',
  label,
  wikipedia: { lang: 'en', title: 'Douglas Adams' },
  facts: {},
  conflicts: [],
  file: `${key}.md`,
});

const whole = (r: LocalRecord) =>
  createHash('sha1')
    .update(canonicalJson({ fields, record: recordToJson(r, fields) }))
    .digest('hex')
    .slice(0, 16);

describe('recordHash', () => {
  it('is the sha1 of the canonical JSON of the fields and the record, record after record', () => {
    const records = [
      record('a', 'Douglas Adams'),
      record('b', 'Douglas Noël Adams'),
      record('a', 'Douglas Adams'),
    ];
    const hashes = records.map((r) => recordHash(r, fields));
    expect(hashes).toEqual(records.map(whole));
    expect(hashes[0]).toBe(hashes[2]);
    expect(hashes[0]).not.toBe(hashes[1]);
  });

  it('changes with the fields compared', () => {
    const r = record('a', 'Douglas Adams');
    expect(recordHash(r, fields.slice(1))).not.toBe(recordHash(r, fields));
  });
});

/** A JSONL line read as the batches read it. */
function parsed(line: object, with_ = fields): LocalRecord {
  const result = parseJsonlRecord(JSON.stringify(line), 'kb.jsonl', 1, with_);
  if (!result.ok) throw new Error(result.error.error);
  return result.record;
}

describe('canonicalRecordJson', () => {
  const expectSame = (r: LocalRecord, with_: readonly FieldSpec[] = fields) =>
    expect(canonicalRecordJson(r, with_)).toBe(canonicalJson(recordToJson(r, with_)));

  it('is canonicalJson(recordToJson(…)) for the generated records, whatever they hold', () => {
    for (let index = 0; index < 300; index++) expectSame(parsed(generatedRecord(42, index, { count: 300 })));
  });

  it('is canonicalJson(recordToJson(…)) with and without each optional key, and with conflicts', () => {
    const full = {
      key: 'zé "quoted"',
      qid: 'Q42',
      label: 'Douglas Adams',
      description: 'writer\u2028',
      wikipedia: { lang: 'en', title: 'Douglas_Adams' },
      source: 'https://example.org/source',
      facts: {
        website: 'https://example.org/',
        inception: '1952-03',
        developer: ['Q5', 'Pan Books', { id: 'Q7', label: 'Seven' }],
        instanceOf: ['human'],
        published: '1979',
      },
      conflicts: [
        {
          field: 'website',
          values: [
            { value: 'https://a.example/', where: 'x.md', line: 3 },
            { value: { b: 'c' }, where: 'y' },
          ],
        },
      ],
    };
    expectSame(parsed(full));
    for (const name of ['label', 'description', 'wikipedia', 'source', 'facts', 'conflicts'] as const) {
      const { [name]: _, ...rest } = full;
      expectSame(parsed(rest));
    }
    expectSame(parsed({ key: 'k', qid: 'Q1', facts: {} }));
  });

  it('follows the field list: its order, fewer fields, and a name given twice', () => {
    const r = parsed(generatedRecord(42, 7, { count: 300 }));
    expectSame(r, [...fields].reverse());
    expectSame(r, fields.slice(2));
    const twice = [...fields, { ...(fields[0] as FieldSpec) }];
    expectSame(r, twice);
  });
});
