// `apply` end to end on real files and a real SQLite store: proposals reconciled in, reviewed, applied
// to a copy of the example cards and to a JSONL file; then the files and the proposals' statuses.

import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyAccepted } from '../../src/local/write/index.js';
import { openStore } from '../../src/sinks/open-store.js';
import { finding, propose, records, stamped, statuses } from '../support/apply.js';
import { INSTALL_USER_AGENT, testConfig } from '../support/config.js';
import { runCli } from '../support/spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'factsync-apply-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLES = new URL('../../examples/', import.meta.url);
const now = () => '2025-10-02T08:00:00.000Z';

const snapshot = (folder: string) =>
  new Map(readdirSync(folder).map((name) => [name, readFileSync(path.join(folder, name), 'utf8')]));

describe('apply to a folder of cards', () => {
  const cards = path.join(dir, 'cards');
  mkdirSync(cards);
  for (const name of readdirSync(new URL('cards/', EXAMPLES)))
    copyFileSync(new URL(`cards/${name}`, EXAMPLES), path.join(cards, name));
  // Sora's lines stating the announcement and the website state only them here, so apply writes them
  // (the example card's Summary and "the OpenAI website" need a person: see the clause tests below).
  const sora = path.join(cards, 'sora.md');
  writeFileSync(
    sora,
    readFileSync(sora, 'utf8')
      .replace(/(## Summary\n)[^\n]+\n/, '$1')
      .replace('Available on the OpenAI website:', 'Available on the official website:'),
  );
  const config = testConfig({
    'local.kind': 'cards',
    'local.path': cards,
    'store.path': path.join(dir, 'cards.db'),
  });

  it('writes accepted proposals into the cards, marks them applied, and skips the rest with reasons', async () => {
    const store = await openStore(config);
    try {
      const [announced, website, upstream, chatgpt, wikipedia, shared, gone, open, rejected] = (await propose(
        store,
        await stamped(config, [
          finding('sora', 'Q124544998', 'announced', 'update', '2024-02-15', '2024-02-16'),
          finding('sora', 'Q124544998', 'website', 'update', 'https://openai.com/sora', 'https://sora.com/'),
          finding('sora', 'Q124544998', 'developer', 'upstream', [{ label: 'OpenAI' }], null),
          finding('chatgpt', 'Q115564437', 'announced', 'add', null, '2022-11-30'),
          finding('sora-2', 'Q136505399', 'wikipedia', 'add', null, { lang: 'en', title: 'Sora 2' }),
          finding(
            'gpt-4',
            'Q116709136',
            'developer',
            'update',
            [{ label: 'OpenAI' }],
            [{ label: 'Microsoft' }, { label: 'OpenAI' }],
          ),
          finding('whisper', 'Q115231380', 'announced', 'add', null, '2022-09-21'),
          finding('openai', 'Q21708200', 'inception', 'update', '2015-12-11', '2015-12-10'),
          finding(
            'dall-e',
            'Q105078662',
            'description',
            'update',
            'text-to-image model developed by OpenAI',
            'image model',
          ),
        ]),
      )) as string[];
      const accepted = [announced, website, upstream, chatgpt, wikipedia, shared, gone] as string[];
      await store.review(accepted, 'accepted', now());
      await store.review([rejected as string], 'rejected', now());
      const before = snapshot(cards);

      const preview = await applyAccepted({ store, config, now, dryRun: true });
      expect(snapshot(cards)).toEqual(before);
      expect(await statuses(store, accepted)).toEqual(accepted.map(() => 'decided'));
      // The upstream one is decided for Wikidata (accept's natural side): not apply's to write.
      expect(preview.counts).toEqual({ accepted: 6, applied: 4, skipped: 2, needsPerson: 0, files: 3 });
      const chatgptPreview = preview.files.find((f) => f.file.endsWith('chatgpt.md'))?.preview ?? '';
      expect(chatgptPreview).toContain('\n+- Announced on November 30, 2022\n');
      expect(chatgptPreview).toMatch(/^--- .*chatgpt\.md\n\+\+\+ .*chatgpt\.md\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);

      const result = await applyAccepted({ store, config, now });
      expect(result.counts).toEqual({ accepted: 6, applied: 4, skipped: 2, needsPerson: 0, files: 3 });
      expect(new Set(result.applied)).toEqual(new Set([announced, website, chatgpt, wikipedia]));
      expect(result.skipped).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: shared,
            entity: 'gpt-4',
            reason: expect.stringContaining('in the same words as "owner"'),
          }),
          expect.objectContaining({
            id: gone,
            entity: 'whisper',
            reason: expect.stringContaining('no longer in the local store'),
          }),
        ]),
      );
      expect(
        await statuses(store, [
          announced,
          website,
          upstream,
          chatgpt,
          wikipedia,
          shared,
          gone,
          open,
          rejected,
        ] as string[]),
      ).toEqual([
        'applied',
        'applied',
        'decided',
        'applied',
        'applied',
        'decided',
        'decided',
        'open',
        'decided',
      ]);

      const read = await records(config);
      expect(read.get('sora')?.facts).toMatchObject({
        announced: { year: 2024, month: 2, day: 16 },
        website: 'https://sora.com/',
      });
      expect(read.get('sora')?.conflicts).toEqual([]);
      expect(read.get('chatgpt')?.facts.announced).toMatchObject({ year: 2022, month: 11, day: 30 });
      expect(read.get('sora-2')?.wikipedia).toEqual({ lang: 'en', title: 'Sora 2' });
      expect(read.get('dall-e')?.description).toBe('text-to-image model developed by OpenAI');
      expect(read.get('openai')?.facts.inception).toMatchObject({ day: 11 });
      const after = snapshot(cards);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort()); // no temporary file left behind
      for (const name of ['dall-e.md', 'gpt-4.md', 'openai.md', 'gpt-3.md'])
        expect(after.get(name)).toBe(before.get(name));

      const again = await applyAccepted({ store, config, now });
      expect(again.counts).toEqual({ accepted: 2, applied: 0, skipped: 2, needsPerson: 0, files: 0 });
      expect(snapshot(cards)).toEqual(after);
    } finally {
      await store.close();
    }
  });
});

describe('apply to a JSONL file', () => {
  const file = path.join(dir, 'entities.jsonl');
  const examples = readFileSync(new URL('entities.jsonl', EXAMPLES), 'utf8').trimEnd().split('\n');
  const filler = Array.from(
    { length: 20_000 },
    (_, i) => `{"key":"e${i}","qid":"Q${i + 1}","label":"Entity ${i}"}`,
  );
  const crlf = '{"key":"crlf","qid":"Q7","label":"Windows line","facts":{"website":"https://example.org"}}\r';
  const long = `{"key":"long","qid":"Q8","label":"${'x'.repeat(5000)}"}`;
  const last = '{"key":"last","qid":"Q9","label":"No newline after me"}';
  const original = `\uFEFF${[...examples, ...filler, crlf, long, last].join('\n')}`; // a byte-order mark too
  writeFileSync(file, original);
  const config = testConfig({
    'local.kind': 'jsonl',
    'local.path': file,
    'local.maxRecordBytes': 4096,
    'store.path': path.join(dir, 'jsonl.db'),
  });

  it('rewrites the matching lines, keeps every other byte, and marks the proposals applied', async () => {
    const store = await openStore(config);
    try {
      const ids = await propose(
        store,
        await stamped(config, [
          finding('sora', 'Q124544998', 'announced', 'update', '2024-02-15', '2024-02-16'),
          finding('e12345', 'Q12346', 'label', 'update', 'Entity 12345', 'Entity Twelve Thousand'),
          finding('e7', 'Q8', 'qid', 'redirect', { id: 'Q8' }, { id: 'Q80', label: 'Entity 7' }),
          finding('crlf', 'Q7', 'website', 'update', 'https://example.org', 'https://example.com/'),
          finding('last', 'Q9', 'description', 'add', null, 'the last line'),
          finding('bad-date', 'Q116709136', 'published', 'update', '2023-02-30', '2023-03-14'),
          finding('gone', 'Q10', 'label', 'add', null, 'Gone'),
        ]),
      );
      await store.review(ids, 'accepted', now());

      const preview = await applyAccepted({ store, config, now, dryRun: true });
      expect(readFileSync(file, 'utf8')).toBe(original);
      expect(preview.files[0]?.preview).toContain(
        '\n+{"key":"e12345","qid":"Q12346","label":"Entity Twelve Thousand"}\n',
      );

      const result = await applyAccepted({ store, config, now });
      expect(result.counts).toEqual({ accepted: 7, applied: 5, skipped: 2, needsPerson: 0, files: 1 });
      expect(result.skipped.map((s) => [s.entity, s.reason])).toEqual(
        expect.arrayContaining([
          ['bad-date', expect.stringContaining('does not read')],
          ['gone', expect.stringContaining('no longer in the local store')],
        ]),
      );
      expect(await statuses(store, ids)).toEqual([
        'applied',
        'applied',
        'applied',
        'applied',
        'applied',
        'decided',
        'decided',
      ]);

      const lines = readFileSync(file, 'utf8').split('\n');
      const expected = original.split('\n');
      const changed = lines.flatMap((line, i) => (line === expected[i] ? [] : [i]));
      expect(lines).toHaveLength(expected.length);
      expect(changed.map((i) => lines[i])).toEqual([
        expect.stringContaining('"announced":"2024-02-16"'),
        '{"key":"e7","qid":"Q80","label":"Entity 7"}',
        '{"key":"e12345","qid":"Q12346","label":"Entity Twelve Thousand"}',
        '{"key":"crlf","qid":"Q7","label":"Windows line","facts":{"website":"https://example.com/"}}\r',
        '{"key":"last","qid":"Q9","label":"No newline after me","description":"the last line"}',
      ]);
      expect(lines[0]?.startsWith('\uFEFF{"key":"sora"')).toBe(true);
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      const read = await records(config);
      expect(read.get('sora')?.facts.announced).toMatchObject({ day: 16 });
      expect(read.size).toBe(examples.length - 2 + filler.length + 2); // no-qid, bad-date and long do not read
    } finally {
      await store.close();
    }
  });

  it('refuses a local.path that is a FIFO as the reader does, saying what it is, and applies nothing', async () => {
    const fifo = path.join(dir, 'entities-fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    const fifoConfig = testConfig({
      'local.kind': 'jsonl',
      'local.path': fifo,
      'store.path': path.join(dir, 'fifo.db'),
    });
    const store = await openStore(fifoConfig);
    try {
      const ids = await propose(store, [
        finding('sora', 'Q124544998', 'announced', 'update', '2024-02-15', '2024-02-16'),
      ]);
      await store.review(ids, 'accepted', now());
      await expect(applyAccepted({ store, config: fifoConfig, now })).rejects.toMatchObject({
        code: 'LOCAL_PATH_KIND',
        message: `local.path: ${fifo} is not a regular file or a folder but a FIFO`,
      });
      expect(await statuses(store, ids)).toEqual(['decided']);
    } finally {
      await store.close();
    }
  });
});

describe('apply through the CLI: values a card cannot state safely', () => {
  const root = path.join(dir, 'cli');
  const cards = path.join(root, 'cards');
  mkdirSync(cards, { recursive: true });
  for (const name of readdirSync(new URL('cards/', EXAMPLES)))
    copyFileSync(new URL(`cards/${name}`, EXAMPLES), path.join(cards, name));
  // A line of prose that would clear a terminal and reverse the text after it, shown in the preview.
  const chatgpt = path.join(cards, 'chatgpt.md');
  writeFileSync(
    chatgpt,
    readFileSync(chatgpt, 'utf8').replace(
      '- Offered in a free tier',
      '- Offered\u001b[2J in a \u202efree tier',
    ),
  );
  const configFile = path.join(root, 'factsync.yaml');
  writeFileSync(configFile, 'local:\n  kind: cards\n  path: cards\nstore:\n  path: factsync.db\n');
  const config = testConfig({
    'local.kind': 'cards',
    'local.path': cards,
    'store.path': path.join(root, 'factsync.db'),
  });
  const env = { FACTSYNC_USER_AGENT: INSTALL_USER_AGENT, FACTSYNC_LOG_LEVEL: 'warn' };
  const cli = (...args: string[]) => runCli([...args, '--config', configFile], env, { cwd: root });
  const bytes = (name: string) => readFileSync(path.join(cards, name));

  it('refuses each unsafe value with its reason, leaves those cards byte for byte, and applies the rest', async () => {
    const store = await openStore(config);
    let ids: string[];
    try {
      ids = await propose(
        store,
        await stamped(config, [
          finding('openai', 'Q21708200', 'label', 'update', 'OpenAI', 'OpenAI <script>alert(3)</script>'),
          finding(
            'sora',
            'Q124544998',
            'website',
            'update',
            'https://openai.com/sora',
            'https://sora.com/a\u2028b',
          ),
          finding(
            'gpt-3',
            'Q95726734',
            'description',
            'update',
            '2020 large language model developed by OpenAI',
            'language model\nby OpenAI',
          ),
          finding('dall-e', 'Q105078662', 'label', 'update', 'DALL-E', 'DALL\u202eE'),
          finding('chatgpt', 'Q115564437', 'announced', 'add', null, '2022-11-30'),
          finding('sora-2', 'Q136505399', 'wikipedia', 'add', null, { lang: 'en', title: 'Sora 2)' }),
        ]),
      );
      await store.review(ids, 'accepted', now());
    } finally {
      await store.close();
    }
    const [label, url, description, bidi] = ids;
    const refusedCards = ['openai.md', 'sora.md', 'gpt-3.md', 'dall-e.md'];
    const before = new Map(refusedCards.map((name) => [name, bytes(name)]));
    const reasons = [
      `skipped ${label} (openai · label · update): the remote label "OpenAI <script>alert(3)</script>" has "<" at character 8, which the card's title cannot hold: Markdown reads it as HTML`,
      `skipped ${url} (sora · website · update): the remote value: "https://sora.com/a\\u2028b" has a line separator (U+2028) at character 19: percent-encode it as %E2%80%A8`,
      `skipped ${description} (gpt-3 · description · update): the remote description "language model\\nby OpenAI" has a newline (U+000A) at character 15, which a card or a JSONL record cannot state`,
      `skipped ${bidi} (dall-e · label · update): the remote label "DALL\\u202eE" has a bidirectional control (U+202E) at character 5, which a card or a JSONL record cannot state`,
    ];

    const dry = await cli('apply', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    for (const reason of reasons) expect(dry.stderr).toContain(`${reason}\n`);
    expect(dry.stderr).toContain(
      '6 proposals decided for the card: 2 would be applied, 0 need a person, 0 refused, 4 skipped, 2 files would change',
    );
    expect(dry.stdout).toContain('+- Announced on November 30, 2022');
    expect(dry.stdout).toContain('+**Wikipedia**: [English](https://en.wikipedia.org/wiki/Sora_2%29)  ');
    expect(dry.stdout).toContain(' - Offered\\x1b[2J in a \\u202efree tier'); // the preview's context line
    const printed = dry.stdout + dry.stderr;
    expect(printed.includes('\u001b')).toBe(false);
    expect(printed).not.toMatch(/[\u2028\u202e]/u);

    const run = await cli('apply');
    expect(run.code, run.stderr).toBe(0);
    for (const reason of reasons) expect(run.stderr).toContain(`${reason}\n`);
    expect(run.stderr).toContain(
      '6 proposals decided for the card: 2 applied, 0 need a person, 0 refused, 4 skipped, 2 files changed',
    );
    for (const [name, was] of before) expect(bytes(name).equals(was), name).toBe(true);

    const read = await records(config);
    expect(read.get('chatgpt')?.facts.announced).toMatchObject({ year: 2022, month: 11, day: 30 });
    expect(read.get('sora-2')?.wikipedia).toEqual({ lang: 'en', title: 'Sora 2)' });
    const check = await openStore(config);
    try {
      expect(await statuses(check, ids)).toEqual([
        'decided',
        'decided',
        'decided',
        'decided',
        'applied',
        'applied',
      ]);
    } finally {
      await check.close();
    }
  });
});

describe('apply after Wikidata changed since the decision', () => {
  it('keeps the accepted proposal accepted but does not write it while a later run found another value', async () => {
    const cards = path.join(dir, 'cards-overtaken');
    mkdirSync(cards);
    copyFileSync(new URL('cards/sora.md', EXAMPLES), path.join(cards, 'sora.md'));
    const config = testConfig({
      'local.kind': 'cards',
      'local.path': cards,
      'store.path': path.join(dir, 'overtaken.db'),
    });
    const store = await openStore(config);
    try {
      const before = readFileSync(path.join(cards, 'sora.md'), 'utf8');
      const [first] = await propose(
        store,
        await stamped(config, [
          finding('sora', 'Q124544998', 'website', 'update', 'https://openai.com/sora', 'https://sora.com/'),
        ]),
      );
      await store.review([first as string], 'accepted', now());
      // The next night Wikidata says something else: a new open proposal of the same field and kind.
      const later = await store.reconcile(
        'sora',
        [
          finding(
            'sora',
            'Q124544998',
            'website',
            'update',
            'https://openai.com/sora',
            'https://sora.openai.com/',
          ),
        ],
        { runId: 'run-2', time: '2025-10-02T03:00:00.000Z' },
      );
      expect(await statuses(store, [first as string])).toEqual(['decided']);
      const result = await applyAccepted({ store, config, now, dryRun: false });
      expect(result.counts).toMatchObject({ accepted: 1, applied: 0, skipped: 1 });
      expect(result.skipped[0]?.reason).toContain(
        `a later run found another value (${later.created[0]}, open)`,
      );
      expect(readFileSync(path.join(cards, 'sora.md'), 'utf8')).toBe(before);
      expect(await statuses(store, [first as string])).toEqual(['decided']);
    } finally {
      await store.close();
    }
  });
});
