// planBatches: the local store streamed into batches of whole JSONL line ranges, each record's key
// claimed in read order, a later record with a claimed key reported and left out, a record that could
// not be read reported. The claims are told what planning keeps of a record (key, where, its page), not
// the record: a feed batch holds thousands until it is made.

import { describe, expect, it } from 'vitest';
import {
  type KeyClaims,
  type PlannedRecord,
  planBatches,
  recordLocation,
} from '../../src/local/read/plan.js';
import type { LocalSource } from '../../src/local/read/source.js';
import type { LocalRecord, ReadResult } from '../../src/model/record.js';

const FILE = '/data/kb.jsonl';
const LINE_BYTES = 10;

/** Line n (1-based) of an invented JSONL store: a record with key `keys[n - 1]`, or an unreadable line. */
function store(keys: ReadonlyArray<string | null>): LocalSource {
  const results = keys.map((key, index): ReadResult => {
    const line = index + 1;
    if (key === null) return { ok: false, error: { file: FILE, line, error: 'invalid JSON' } };
    const record: LocalRecord = {
      key,
      qid: 'Q42',
      facts: { website: 'https://example.org/' },
      conflicts: [],
      file: FILE,
      line,
      span: { start: index * LINE_BYTES, end: line * LINE_BYTES },
      ...(line % 2 === 0 ? { wikipedia: { lang: 'en', title: `Page ${line}` } } : {}),
    };
    return { ok: true, warnings: [], record };
  });
  return {
    kind: 'jsonl',
    path: FILE,
    async *records() {
      yield* results;
    },
    batch: () => {
      throw new Error('not read here');
    },
  };
}

/** Claims as the run's claims hash does, in memory; keeps what each call was given. */
function memoryClaims(source: LocalSource): { claim: KeyClaims; given: PlannedRecord[][] } {
  const owners = new Map<string, string>();
  const given: PlannedRecord[][] = [];
  const claim: KeyClaims = async (records) => {
    given.push([...records]);
    return records.map((record) => {
      const location = recordLocation(source, record);
      const owner = owners.get(record.key) ?? location;
      owners.set(record.key, owner);
      return owner === location ? undefined : owner;
    });
  };
  return { claim, given };
}

describe('planBatches', () => {
  it('makes whole line ranges, leaving out duplicates and unreadable lines, reporting both', async () => {
    const source = store(['a', 'b', 'a', null, 'c', 'd', 'e']);
    const { claim, given } = memoryClaims(source);
    const items = [];
    for await (const item of planBatches(source, 3, undefined, claim)) items.push(item);
    expect(items).toEqual([
      { error: { file: FILE, line: 3, error: 'duplicate key "a": already used by kb.jsonl:1' } },
      { error: { file: FILE, line: 4, error: 'invalid JSON' } },
      { batch: { kind: 'jsonl', file: FILE, start: 0, end: 50, firstLine: 1 }, count: 3 },
      { batch: { kind: 'jsonl', file: FILE, start: 50, end: 70, firstLine: 6 }, count: 2 },
    ]);
    // The claims saw each record once, in order, as key, place and page only.
    expect(given.flat().map((r) => r.key)).toEqual(['a', 'b', 'a', 'c', 'd', 'e']);
    expect(given.flat()[1]).toEqual({
      key: 'b',
      file: FILE,
      line: 2,
      span: { start: 10, end: 20 },
      wikipedia: { lang: 'en', title: 'Page 2' },
    });
    expect(given.flat().every((r) => !('facts' in r) && !('qid' in r))).toBe(true);
  });
});
