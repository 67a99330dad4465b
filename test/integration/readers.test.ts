// The cards and jsonl adapters on real files: good and defective records side by side.

import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReadResult } from '../../src/model/record.js';
import { openLocalSource } from '../../src/sources/local/index.js';
import { LocalSourceError } from '../../src/sources/local/source.js';
import { testConfig } from '../helpers/config.js';

const MAX = 4096;
const fixtureCard = new URL('../fixtures/cards/whisper.md', import.meta.url);

async function readAll(kind: 'cards' | 'jsonl', where: string): Promise<ReadResult[]> {
  const config = testConfig({ 'local.kind': kind, 'local.path': where, 'local.maxRecordBytes': MAX });
  const results: ReadResult[] = [];
  for await (const result of (await openLocalSource(config)).records()) results.push(result);
  return results;
}

const errorsOf = (results: ReadResult[]) =>
  results.flatMap((r) => (r.ok ? [] : [{ ...r.error, file: path.basename(r.error.file) }]));
const keysOf = (results: ReadResult[]) => results.flatMap((r) => (r.ok ? [r.record.key] : []));

describe('cards folder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-cards-'));
  copyFileSync(fixtureCard, path.join(dir, 'whisper.md'));
  mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
  copyFileSync(fixtureCard, path.join(dir, 'nested', 'deeper', 'whisper-copy.md'));
  writeFileSync(path.join(dir, 'binary.md'), Buffer.from([0x23, 0x20, 0x41, 0x00, 0x01, 0x02]));
  writeFileSync(path.join(dir, 'latin1.md'), Buffer.from('# Caf\xe9\n', 'latin1'));
  writeFileSync(path.join(dir, 'huge.md'), `# Huge\n${'x'.repeat(MAX)}\n`);
  writeFileSync(path.join(dir, 'empty.md'), '');
  writeFileSync(path.join(dir, 'no-qid.md'), '# Nothing\n\n> no identifiers\n');
  writeFileSync(
    path.join(dir, 'bad-date.md'),
    '# Bad\n\n**Wikidata**: [Q1](https://www.wikidata.org/wiki/Q1)\n\n## Key Facts\n- announced on Febtober 40, 2024\n',
  );
  writeFileSync(path.join(dir, 'notes.txt'), 'not a card');
  writeFileSync(path.join(dir, 'README.md'), '# About this folder\n');
  writeFileSync(path.join(dir, '.hidden.md'), 'ignored');

  it('loads every good card, recursively, and reports each defective one with its reason', async () => {
    const results = await readAll('cards', dir);
    expect(keysOf(results).sort()).toEqual(['whisper', 'whisper-copy']);
    expect(errorsOf(results)).toEqual([
      {
        file: 'bad-date.md',
        line: 6,
        error: expect.stringContaining('unparseable date "Febtober 40, 2024"'),
      },
      { file: 'binary.md', error: 'binary data (NUL bytes), not a text record' },
      { file: 'empty.md', error: 'empty file' },
      { file: 'huge.md', error: `file is ${MAX + 8} bytes, over local.maxRecordBytes (${MAX})` },
      { file: 'latin1.md', error: expect.stringContaining('not valid UTF-8') },
      { file: 'no-qid.md', error: expect.stringContaining('no QID') },
    ]);
  });

  it('reads a single card file', async () => {
    const results = await readAll('cards', path.join(dir, 'whisper.md'));
    expect(keysOf(results)).toEqual(['whisper']);
  });

  it('refuses a missing path, naming local.path', async () => {
    const config = testConfig({ 'local.path': path.join(dir, 'nope') });
    await expect(openLocalSource(config)).rejects.toMatchObject({
      code: 'LOCAL_PATH_MISSING',
      key: 'local.path',
    });
    await expect(openLocalSource(config)).rejects.toBeInstanceOf(LocalSourceError);
  });
});

describe('jsonl file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-jsonl-'));
  const good = (key: string, qid: string) => JSON.stringify({ key, qid, facts: { announced: '2024' } });
  const file = path.join(dir, 'kb.jsonl');
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from(`${good('one', 'Q1')}\r\n`), // 1: CRLF
      Buffer.from('\n'), // 2: blank
      Buffer.from(`{"key":"two","qid":"Q2"\n`), // 3: truncated
      Buffer.from(`${JSON.stringify({ key: 'big', qid: 'Q3', label: 'y'.repeat(MAX * 3) })}\n`), // 4: huge
      Buffer.from(`${good('three', 'q4')}\n`), // 5: lowercase QID
      Buffer.from([0x7b, 0x00, 0x7d, 0x0a]), // 6: binary
      Buffer.from(`${good('four', 'Q5')}`), // 7: last line, no newline
    ]),
  );

  it('loads the good lines and reports each bad one with its line and reason', async () => {
    const results = await readAll('jsonl', file);
    expect(keysOf(results)).toEqual(['one', 'four']);
    expect(results.flatMap((r) => (r.ok ? [r.record.line] : []))).toEqual([1, 7]);
    expect(errorsOf(results)).toEqual([
      { file: 'kb.jsonl', line: 3, error: expect.stringContaining('invalid JSON') },
      {
        file: 'kb.jsonl',
        line: 4,
        error: expect.stringMatching(/^line is \d+ bytes, over local.maxRecordBytes/),
      },
      { file: 'kb.jsonl', line: 5, error: expect.stringContaining('the Q must be upper-case') },
      { file: 'kb.jsonl', line: 6, error: 'binary data (NUL bytes), not a text record' },
    ]);
  });

  it('refuses a folder for local.kind jsonl', async () => {
    await expect(
      openLocalSource(testConfig({ 'local.kind': 'jsonl', 'local.path': dir })),
    ).rejects.toMatchObject({
      code: 'LOCAL_PATH_KIND',
    });
  });

  it('tells a user who points the cards reader at a JSONL file what to set', async () => {
    await expect(openLocalSource(testConfig({ 'local.path': file }))).rejects.toThrow(
      /set local.kind: jsonl/,
    );
  });
});
