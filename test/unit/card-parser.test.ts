import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCard } from '../../src/local/read/card-parser.js';
import { recordToJson } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const fixture = (name: string) => readFileSync(new URL(`../fixtures/cards/${name}`, import.meta.url), 'utf8');

function read(text: string) {
  const result = parseCard(text, 'test', 'test.md', fields);
  if (!result.ok) throw new Error(`expected a record, got: ${result.error.error}`);
  return { ...result, json: recordToJson(result.record, fields) };
}

function readError(text: string) {
  const result = parseCard(text, 'test', 'test.md', fields);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const card = (body: string) =>
  `# Thing\n\n> a thing\n\n**Wikidata**: [Q42](https://www.wikidata.org/wiki/Q42)  \n\n${body}\n`;

describe('a card in the seed format', () => {
  const { json, warnings } = read(fixture('whisper.md'));

  it('recovers the header: label, description, QID and decoded Wikipedia title', () => {
    expect(json).toMatchObject({
      key: 'test',
      qid: 'Q115231380',
      label: 'Whisper',
      description: 'speech recognition model developed by OpenAI',
      wikipedia: { lang: 'en', title: 'Whisper (speech recognition system)' },
    });
  });

  it('recovers the Key Facts and Summary phrases, with each date form', () => {
    expect(json.facts).toEqual({
      developer: ['OpenAI'],
      owner: ['OpenAI'],
      announced: '2022-09-21',
      inception: '2022-09-21',
      published: '2022-09',
      followedBy: 'Whisper Large v3',
      website: 'https://github.com/openai/whisper',
      instanceOf: ['speech recognition model', 'artificial neural network', 'open-source software'],
    });
  });

  it('ignores FAQ and Body prose', () => {
    expect(JSON.stringify(json.facts)).not.toContain('1999');
    expect(JSON.stringify(json.facts)).not.toContain('Something Else');
  });

  it('reports the two QIDs as a local conflict, with where each was stated', () => {
    expect(json.conflicts).toEqual([
      {
        field: 'qid',
        values: [
          { value: 'Q115231380', where: 'header Wikidata link', line: 5 },
          { value: 'Q115231999', where: 'JSON-LD sameAs', line: 39 },
        ],
      },
    ]);
  });

  it('agrees with the JSON-LD where it says the same thing another way', () => {
    // CamelCase types, a percent-encoded Wikipedia link, a trailing "/" on the URL and a longer
    // description are the same facts, not conflicts.
    const fieldsInConflict = (json.conflicts as Array<{ field: string }>).map((c) => c.field);
    expect(fieldsInConflict).toEqual(['qid']);
  });

  it('warns that the JSON-LD fence is not closed, and reads it anyway', () => {
    expect(warnings).toEqual([
      { file: 'test.md', line: 32, warning: 'the JSON-LD block is not closed with ```' },
    ]);
  });
});

describe("the card's source", () => {
  it('keeps the header "**Source**:" URL as the record\'s source, which exports cite', () => {
    expect(read(fixture('whisper.md')).json.source).toBe('https://example.org/entity/whisper');
    const linked = read(card('**Source**: [Sora — OpenAI](https://openai.com/index/sora/)'));
    expect(linked.record.source).toBe('https://openai.com/index/sora/');
  });

  it('reads the card without a source, with a warning, when the Source line is not a web URL', () => {
    const text =
      '# Thing\n\n**Wikidata**: [Q42](https://www.wikidata.org/wiki/Q42)\n**Source**: cards/thing.md\n';
    const { record, warnings } = read(text);
    expect(record.source).toBeUndefined();
    expect(warnings).toEqual([
      {
        file: 'test.md',
        line: 4,
        warning: 'Source line: source "cards/thing.md" is not an absolute URL; the card has no source',
      },
    ]);
  });
});

describe('local conflicts', () => {
  it('finds a date stated twice with different values', () => {
    const { json } = read(card('## Key Facts\n- announced on March 1, 2024\n- announced on 2024-03-02'));
    expect(json.conflicts).toEqual([
      {
        field: 'announced',
        values: [
          { value: '2024-03-01', where: 'Key Facts', line: 8 },
          { value: '2024-03-02', where: 'Key Facts', line: 9 },
        ],
      },
    ]);
  });

  it('keeps the more precise of two agreeing dates, without a conflict', () => {
    const { json } = read(
      card('## Summary\nIt was announced in March 2024.\n\n## Key Facts\n- announced on March 1, 2024'),
    );
    expect(json.facts).toEqual({ announced: '2024-03-01' });
    expect(json.conflicts).toBeUndefined();
  });

  it('adds up developers from several phrases, but flags JSON-LD types that differ from Key Facts', () => {
    const text = card(
      '## Key Facts\n- Developed by Alpha Labs\n- Developed by Beta Inc\n- Classified as a chatbot\n\n```json\n{"additionalType": ["LanguageModel"]}\n```',
    );
    const { json } = read(text);
    expect(json.facts).toMatchObject({ developer: ['Alpha Labs', 'Beta Inc'], instanceOf: ['chatbot'] });
    expect(json.conflicts).toEqual([
      {
        field: 'instanceOf',
        values: [
          { value: ['chatbot'], where: 'Key Facts', line: 10 },
          { value: ['Language Model'], where: 'JSON-LD additionalType', line: 13 },
        ],
      },
    ]);
  });

  it('finds a website stated two ways', () => {
    const text = card(
      '## Key Facts\n- Available on the website: [https://a.example](https://a.example)\n\n```json\n{"url": "https://b.example"}\n```',
    );
    expect(read(text).json.conflicts).toMatchObject([{ field: 'website' }]);
  });

  it('finds a Wikidata link whose text and target disagree', () => {
    const text = '# Thing\n\n**Wikidata**: [Q1](https://www.wikidata.org/wiki/Q2)\n';
    expect(read(text).json.conflicts).toMatchObject([
      { field: 'qid', values: [{ value: 'Q2' }, { value: 'Q1' }] },
    ]);
  });
});

describe('phrases', () => {
  it('reads an item up to the clause end and a list only when it ends in "and X"', () => {
    const { json } = read(
      card(
        '## Key Facts\n- Developed by Acme, announced on 2020\n- Follows Old Thing (the first one)\n- Classified as a robot and a toy',
      ),
    );
    expect(json.facts).toEqual({
      developer: ['Acme'],
      announced: '2020',
      follows: 'Old Thing',
      instanceOf: ['robot', 'toy'],
    });
  });

  it('takes an item QID from a Markdown link to Wikidata', () => {
    const { json } = read(
      card('## Key Facts\n- Followed by [Thing 2](https://www.wikidata.org/wiki/Q43), a sequel'),
    );
    expect(json.facts).toEqual({ followedBy: { id: 'Q43', label: 'Thing 2' } });
  });

  it('does not read prose that is not a date as one', () => {
    expect(read(card('## Summary\nIt was announced in a blog post.')).json.facts).toEqual({});
  });
});

describe('defective cards', () => {
  it('names the line of an unparseable date', () => {
    expect(readError(card('## Key Facts\n- Developed by Acme\n- announced on Febtober 40, 2024'))).toEqual({
      file: 'test.md',
      line: 9,
      error: 'unparseable date "Febtober 40, 2024": "Febtober" is not a month name after "announced on"',
    });
  });

  it('refuses an invalid or lowercase QID', () => {
    expect(readError('# T\n\n**Wikidata**: [q42](https://www.wikidata.org/wiki/q42)\n')).toMatchObject({
      line: 3,
      error: expect.stringContaining('the Q must be upper-case'),
    });
  });

  it('needs a QID', () => {
    expect(readError('# T\n\n> no ids here\n').error).toContain('no QID');
  });

  it('needs a title', () => {
    expect(readError('**Wikidata**: [Q42](https://www.wikidata.org/wiki/Q42)\n').error).toContain(
      'no title line',
    );
  });

  it('reports invalid JSON-LD with the line of its block', () => {
    expect(readError(card('```json\n{"name": "Thing",,}\n```'))).toMatchObject({
      line: 7,
      error: expect.stringContaining('the JSON-LD block is not valid JSON'),
    });
  });

  it('refuses a Wikipedia link whose title is a relative path', () => {
    const error = readError(
      card('').replace(
        '\n\n\n',
        '\n**Wikipedia**: [English](https://en.wikipedia.org/wiki/..%2F..%2Fw%2Fapi.php)\n',
      ),
    );
    expect(error.error).toContain('relative path');
  });
});

describe('text the store cannot hold, from JSON-LD escapes', () => {
  // The card is valid UTF-8 without NUL bytes, but a JSON string may still escape U+0000 or half a pair.
  it.each([
    ['{"name": "Thing\\u0000"}', 'label (JSON-LD name): contains U+0000 (NUL)'],
    [
      '{"description": "a thing \\ud800"}',
      'description (JSON-LD description): contains a lone UTF-16 surrogate (U+D800)',
    ],
    [
      '{"additionalType": ["Robot", "Toy\\udc00"]}',
      'instanceOf (JSON-LD additionalType): contains a lone UTF-16 surrogate (U+DC00)',
    ],
  ])('%s', (json, reason) => {
    expect(readError(card(`\`\`\`json\n${json}\n\`\`\``))).toEqual({
      file: 'test.md',
      line: 8,
      error: `${reason}, which the store cannot hold`,
    });
  });
});

/**
 * Cards parsed in a worker thread, so that a parser stuck in a regular expression fails the test by its
 * timeout instead of blocking the test runner; the worker is ended either way.
 */
const workers = new Set<Worker>();
afterEach(async () => {
  await Promise.all([...workers].map((worker) => worker.terminate()));
  workers.clear();
});

function parseInWorker(text: string): Promise<ReturnType<typeof parseCard>> {
  const modules = ['../../src/local/read/card-parser.ts', '../support/config.ts'].map(
    (file) => new URL(file, import.meta.url).href,
  );
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      (await import('tsx/esm/api')).register();
      const { parseCard } = await import(${JSON.stringify(modules[0])});
      const { testConfig } = await import(${JSON.stringify(modules[1])});
      parentPort.postMessage(parseCard(workerData, 'test', 'test.md', testConfig().fields));
    })();`;
  const worker = new Worker(code, { eval: true, workerData: text });
  workers.add(worker);
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('hostile cards of up to local.maxRecordBytes are read to the end', () => {
  const MIB = 1024 * 1024;
  const header = '# Thing\n\n**Wikidata**: [Q42](https://www.wikidata.org/wiki/Q42)\n\n';
  const names = Array.from({ length: 40 }, (_, i) => `Name${i}`);
  const factsOf = async (text: string) => {
    const result = await parseInWorker(text);
    if (!result.ok) throw new Error(`expected a record, got: ${result.error.error}`);
    return recordToJson(result.record, fields).facts as Record<string, unknown>;
  };
  const errorOf = async (text: string) => {
    const result = await parseInWorker(text);
    if (result.ok) throw new Error('expected an error');
    return result.error;
  };

  it('a title followed by a long run of spaces', { timeout: 60_000 }, async () => {
    const result = await parseInWorker(
      `# Thing${' '.repeat(MIB / 2)}x\n\n**Wikidata**: [Q42](https://www.wikidata.org/wiki/Q42)\n`,
    );
    expect(result.ok && result.record.label).toBe('Thing x');
  });

  it('a Wikidata line with a long run of spaces', { timeout: 60_000 }, async () => {
    const link = '**Wikidata**: [Q42](https://www.wikidata.org/wiki/Q42)';
    const result = await parseInWorker(`# Thing\n\n${link}${' '.repeat(MIB / 2)}x\n`);
    expect(result.ok && result.record.qid).toBe('Q42');
  });

  it('a list of 40 names without "and"', { timeout: 60_000 }, async () => {
    expect(await factsOf(`${header}## Key Facts\n- Developed by ${names.join(', ')}\n`)).toEqual({
      developer: ['Name0'],
    });
  });

  it('a long run of spaces inside a fact', { timeout: 60_000 }, async () => {
    expect(await factsOf(`${header}## Key Facts\n- Developed by Acme${' '.repeat(MIB / 2)}Labs\n`)).toEqual({
      developer: ['Acme Labs'],
    });
  });

  it('a phrase followed by half a megabyte of "[" without the end of a sentence', {
    timeout: 60_000,
  }, async () => {
    expect(await errorOf(`${header}## Key Facts\n- Developed by Acme ${'['.repeat(MIB / 2)}\n`)).toEqual({
      file: 'test.md',
      line: 6,
      error: 'more than 10,000 characters after "Developed by" without the end of a sentence',
    });
  });

  it('a hundred sentences of a link text with thousands of "["', { timeout: 60_000 }, async () => {
    const sentence = `Developed by Acme ${'['.repeat(9000)}. `;
    const facts = await factsOf(`${header}## Summary\n${sentence.repeat(100)}\n`);
    expect(facts.developer).toEqual([`Acme ${'['.repeat(9000)}`]);
  });

  it('"x and x and …" ending in a comma', { timeout: 60_000 }, async () => {
    const text = `${header}## Key Facts\n- Classified as ${'robot and '.repeat(MIB / 10 - 20)}toy,\n`;
    expect((await errorOf(text)).error).toBe(
      'more than 10,000 characters after "Classified as" without the end of a sentence',
    );
  });

  it('a URL with a long run of dots', { timeout: 60_000 }, async () => {
    const text = `${header}## Key Facts\n- Available on https://a.example/${'.'.repeat(MIB / 2)}x\n`;
    expect((await errorOf(text)).error).toBe(
      'more than 10,000 characters after "Available on" without the end of a sentence',
    );
  });

  it('an unclosed JSON-LD block of lines of "}"', { timeout: 60_000 }, async () => {
    const text = `${header}\`\`\`json\n{"name": "Thing"}\n${'}\n'.repeat(MIB / 4)}`;
    expect(await errorOf(text)).toEqual({
      file: 'test.md',
      line: 5,
      // JSON.parse's own words: Node 22 and later (V8 12) add where the junk starts, as a line and column.
      error: expect.stringMatching(
        /^the JSON-LD block is not valid JSON: Unexpected non-whitespace character after JSON at position 18( \(line 2 column 1\))?$/,
      ),
    });
  });

  it('a code fence line with a long run of spaces', { timeout: 60_000 }, async () => {
    const text = `${header}\`\`\`${' '.repeat(MIB / 2)}x y\n## Key Facts\n- Developed by Acme\n`;
    expect(await factsOf(text)).toEqual({ developer: ['Acme'] });
  });

  it('a JSON-LD value nested a hundred thousand deep', { timeout: 60_000 }, async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(await errorOf(`${header}\`\`\`json\n{"url": ${deep}}\n\`\`\`\n`)).toEqual({
      file: 'test.md',
      line: 6,
      error: 'JSON-LD url: expected a string, got an array',
    });
  });

  it('a Summary that states a fact forty thousand times', { timeout: 60_000 }, async () => {
    expect(await errorOf(`${header}## Summary\n${'It was developed by Acme. '.repeat(40_000)}\n`)).toEqual({
      file: 'test.md',
      line: 6,
      error: 'more than 1,000 facts stated by phrase: not read as a card',
    });
  });
});
