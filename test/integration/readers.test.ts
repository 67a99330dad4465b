// The cards and jsonl adapters on real files: good and defective records side by side; a cards folder
// with FIFOs, a socket and symlinks of every kind; and bad JSONL lines through the real `factsync` bin.

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSourceError } from '../../src/local/paths.js';
import { readCardFile } from '../../src/local/read/cards.js';
import { openLocalSource } from '../../src/local/read/index.js';
import type { ReadResult } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';
import { jsonLines, runCli } from '../support/spawn.js';

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

describe('a cards folder with FIFOs, a socket and symlinks', () => {
  // cards/ holds good cards, a FIFO and a socket named like cards, symlinks to them, to a card and a
  // folder outside, to a folder inside (read once), to a hidden folder inside (read through the link),
  // a loop back to the top, a broken link and a link to itself. outside/ holds a valid card.
  const top = mkdtempSync(path.join(tmpdir(), 'factsync-special-'));
  const dir = path.join(top, 'cards');
  const outside = path.join(top, 'outside');
  const fifos = [path.join(dir, 'pipe.md'), path.join(top, 'single.md')];
  const at = (...parts: string[]) => path.join(dir, ...parts);
  let socket: Server;

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'nested', 'deeper'), { recursive: true });
    mkdirSync(path.join(dir, '.drafts'), { recursive: true });
    mkdirSync(outside);
    copyFileSync(fixtureCard, at('whisper.md'));
    copyFileSync(fixtureCard, at('nested', 'deeper', 'whisper-copy.md'));
    copyFileSync(fixtureCard, at('.drafts', 'draft.md'));
    copyFileSync(fixtureCard, path.join(outside, 'secret.md'));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    socket = createServer();
    await new Promise<void>((resolve) => socket.listen(at('socket.md'), resolve));
    symlinkSync('pipe.md', at('pipe-link.md'));
    symlinkSync('../outside/secret.md', at('secret.md'));
    symlinkSync('../outside', at('elsewhere'));
    symlinkSync('nested', at('shortcut'));
    symlinkSync('.drafts', at('drafts'));
    symlinkSync('..', at('nested', 'up'));
    symlinkSync('nowhere.md', at('broken.md'));
    symlinkSync('self.md', at('self.md'));
    symlinkSync('cards', path.join(top, 'cards-link'));
  });

  afterAll(async () => {
    // A reader blocked opening a FIFO (the fault this guards against) is let go by a writer.
    for (const fifo of fifos) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
    }
    await new Promise((resolve) => socket?.close(resolve));
  });

  const expected = (shown: string) =>
    [
      { file: 'broken.md', error: 'broken symlink (ENOENT), skipped' },
      { file: 'drafts', error: undefined },
      {
        file: 'elsewhere',
        error: `symlink points outside local.path (to ${outside}), skipped`,
      },
      { file: 'nested/up', error: `symlink loop: leads back to ${shown}, not followed` },
      { file: 'pipe-link.md', error: 'not a regular file: FIFO, skipped' },
      { file: 'pipe.md', error: 'not a regular file: FIFO, skipped' },
      {
        file: 'secret.md',
        error: `symlink points outside local.path (to ${path.join(outside, 'secret.md')}), skipped`,
      },
      { file: 'self.md', error: 'symlink loop (ELOOP), skipped' },
      { file: 'shortcut', error: 'symlink to a folder already read (nested), not followed' },
      { file: 'socket.md', error: 'not a regular file: socket, skipped' },
    ].filter((e) => e.error !== undefined);

  async function readFolder(where: string) {
    const results = await readAll('cards', where);
    const errors = results.flatMap((r) =>
      r.ok ? [] : [{ file: path.relative(where, r.error.file), error: r.error.error }],
    );
    const files = results.flatMap((r) => (r.ok ? [path.relative(where, r.record.file)] : []));
    return { errors, files };
  }

  it('finishes, reads each card inside once, and reports every file it does not read with the reason', async () => {
    const { errors, files } = await readFolder(dir);
    expect(files.sort()).toEqual(['drafts/draft.md', 'nested/deeper/whisper-copy.md', 'whisper.md']);
    expect(errors.sort((a, b) => a.file.localeCompare(b.file))).toEqual(expected('local.path'));
  }, 20_000);

  it('reads the same through a local.path that is itself a symlink', async () => {
    const { errors, files } = await readFolder(path.join(top, 'cards-link'));
    expect(files.sort()).toEqual(['drafts/draft.md', 'nested/deeper/whisper-copy.md', 'whisper.md']);
    expect(errors.sort((a, b) => a.file.localeCompare(b.file))).toEqual(expected('local.path'));
  }, 20_000);

  it('reads one card (as the entity page does) only when its symlink stays in its folder', async () => {
    const { fields } = testConfig();
    const outsideCard = await readCardFile(at('secret.md'), fields, MAX);
    expect(outsideCard.ok ? 'read' : outsideCard.error.error).toBe(
      `symlink points outside local.path (to ${path.join(outside, 'secret.md')}), skipped`,
    );
    const pipe = await readCardFile(at('pipe-link.md'), fields, MAX);
    expect(pipe.ok ? 'read' : pipe.error.error).toBe('not a regular file: FIFO, skipped');
    symlinkSync('whisper.md', at('whisper-link.md'));
    const inside = await readCardFile(at('whisper-link.md'), fields, MAX);
    expect(inside.ok && inside.record.key).toBe('whisper-link');
  }, 20_000);

  it('exits 2 naming local.path when it is a FIFO', async () => {
    const { code, stderr } = await runCli(['entities'], { FACTSYNC_LOCAL: fifos[1] as string });
    expect(code).toBe(2);
    expect(stderr).toContain(`local.path: ${fifos[1]} is not a regular file or a folder but a FIFO`);
  }, 20_000);

  it('refuses a local.path that is a FIFO, naming local.path, instead of waiting on it', async () => {
    for (const kind of ['cards', 'jsonl'] as const) {
      const config = testConfig({ 'local.kind': kind, 'local.path': fifos[1] });
      await expect(openLocalSource(config)).rejects.toMatchObject({
        code: 'LOCAL_PATH_KIND',
        key: 'local.path',
        message: `local.path: ${fifos[1]} is not a regular file or a folder but a FIFO`,
      });
    }
  }, 20_000);
});

describe('factsync entities on JSONL lines of the wrong shape', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'factsync-shape-'));
  const file = path.join(dir, 'kb.jsonl');
  const lines = [
    { key: 'one', qid: 'Q1', label: 'One' },
    { key: 'two', qid: 'Q2', conflicts: [{ field: 'label' }] },
    { key: 'three', qid: 'Q3', conflicts: 'none' },
    { key: 'four', qid: 'Q4', conflicts: [{ field: 'label', values: [{ value: 'a', where: 'x' }, 'b'] }] },
    { key: 'five', qid: 'Q5', label: 'Five\u0000' },
    {
      key: 'six',
      qid: 'Q6',
      conflicts: [
        {
          field: 'label',
          values: [
            { value: 'Six', where: 'title', line: 1 },
            { value: '6', where: 'JSON-LD name' },
          ],
        },
      ],
    },
  ];
  writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  const env = { FACTSYNC_LOCAL: file, FACTSYNC_LOCAL_KIND: 'jsonl' };
  const refused = [
    [2, '"conflicts[0].values": expected a list of 2 or more {"value","where","line"}, got nothing'],
    [3, '"conflicts": expected a list, got the string "none"'],
    [4, '"conflicts[0].values[1]": expected an object such as {"value":…,"where":"…"}, got the string "b"'],
    [5, '"label": contains U+0000 (NUL), which the store cannot hold'],
  ] as const;

  it('--json prints the good records and one error line for each bad one, and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['entities', '--json'], env);
    expect(code, stderr).toBe(0);
    const output = jsonLines(stdout);
    expect(output.filter((o) => 'key' in o).map((o) => o.key)).toEqual(['one', 'six']);
    expect(output.filter((o) => 'error' in o)).toEqual(
      refused.map(([line, error]) => ({ error, file, line })),
    );
    expect(stderr).toContain('2 records, 4 unreadable, 1 with local conflicts');
  });

  it('prints the same for people: the records, the conflict, and a ✗ line for each bad one', async () => {
    const { code, stdout, stderr } = await runCli(['entities'], env);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('! local conflict on label: "Six" (title, line 1) vs "6" (JSON-LD name)');
    for (const [line, error] of refused)
      expect(stderr).toContain(`✗ ${path.relative(process.cwd(), file)}:${line}  ${error}`);
  });
});
