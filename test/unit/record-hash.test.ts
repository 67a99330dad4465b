// recordHash: sha1 of canonicalJson({ fields, record }), its first 16 hex digits. The sync state and every
// proposal's evidence keep it, so a faster way of working it out must give the same digest as before.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { canonicalJson } from '../../src/model/proposal.js';
import { type LocalRecord, recordToJson } from '../../src/model/record.js';
import { recordHash } from '../../src/model/record-hash.js';

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
