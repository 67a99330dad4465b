// The bad-input corpus: Markdown cards (corpus/cards/) and JSONL lines (corpus/records.jsonl) that are
// truncated, binary, huge, of the wrong types, with invalid or lower-case QIDs, with titles that try
// `../`, `?`, `#` and `%`, with injected HTML and Markdown, duplicated keys and conflicting facts, with
// text the store cannot hold (U+0000, lone surrogates), conflicts of the wrong shape, and cards built to
// make a backtracking parser take for ever —
// among valid records of the fake Wikimedia's generated world (seed 7, 12 entities), which must still
// sync. Each input says what the readers must make of it: the exact reason it is refused, or, for an
// input that is odd but readable, what is kept.
//
//   node --import tsx test/reliability/corpus.ts     # (re)writes test/reliability/corpus/
//
// The test checks that the files on disk are what this script writes, so the two cannot drift apart.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GeneratedRecord, generatedRecord } from '../../dev/fake-wikimedia/src/index.js';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
export const SEED = 7;
export const COUNT = 12;
/** local.maxRecordBytes in the test's config: the "huge" inputs are over it without bloating the repository. */
export const MAX_RECORD_BYTES = 4096;

/** What the readers must make of an input. */
export type Expectation =
  /** Refused: `factsync entities --json` prints {"error": reason, "file", "line"} and the run reports it. */
  | { readonly error: string; readonly line?: number }
  /** Read: a record with this key, whose JSONL form (`entities --json`) includes `has`. */
  | { readonly key: string; readonly has: Readonly<Record<string, unknown>>; readonly note: string };

export interface CorpusInput {
  /** Relative to CORPUS_DIR. */
  readonly file: string;
  /** JSONL inputs: the line. */
  readonly line?: number;
  readonly what: string;
  readonly expect: Expectation;
}

const record = (i: number): GeneratedRecord => generatedRecord(SEED, i, { count: COUNT });
const wikiTitle = (title: string) => encodeURIComponent(title.replace(/ /g, '_'));

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

/** A generated record as a card in the format of examples/cards (every fact it has, in Key Facts). */
export function renderCard(
  r: GeneratedRecord,
  patch: { title?: string; extra?: string[]; header?: string[] } = {},
): string {
  const f = r.facts as Record<string, string | string[] | undefined>;
  const many = (name: string) => (Array.isArray(f[name]) ? (f[name] as string[]) : []);
  const facts: string[] = [];
  if (many('developer').length) facts.push(`- Developed by ${list(many('developer'))}`);
  if (many('owner').length) facts.push(`- Owned by ${list(many('owner'))}`);
  if (f.inception) facts.push(`- Established on ${f.inception}`);
  if (f.announced) facts.push(`- First announced on ${f.announced}`);
  if (f.published) facts.push(`- Released on ${f.published}`);
  if (f.follows) facts.push(`- Follows ${f.follows}`);
  if (f.followedBy) facts.push(`- Followed by ${f.followedBy}`);
  if (many('instanceOf').length) facts.push(`- Classified as ${list(many('instanceOf'))}`);
  if (f.website) facts.push(`- Available on the official website: [${f.website}](${f.website})`);
  const header = patch.header ?? [
    `**Wikidata**: [${r.qid}](https://www.wikidata.org/wiki/${r.qid})  `,
    ...(r.wikipedia
      ? [`**Wikipedia**: [English](https://en.wikipedia.org/wiki/${wikiTitle(r.wikipedia.title)})  `]
      : []),
  ];
  return [
    `# ${patch.title ?? r.label}`,
    '',
    ...(r.description ? [`> ${r.description}`, ''] : []),
    ...header,
    '',
    '## Key Facts',
    ...facts,
    ...(patch.extra ?? []),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Cards

interface CardSpec {
  readonly name: string;
  readonly what: string;
  readonly body: string | Buffer;
  readonly expect: Expectation;
}

function cardSpecs(): CardSpec[] {
  const r8 = record(8);
  const r9 = record(9);
  const r10 = record(10);
  const r11 = record(11);
  const wd = (qid: string) => `**Wikidata**: [${qid}](https://www.wikidata.org/wiki/${qid})  `;
  const wp = (url: string) => `**Wikipedia**: [English](${url})  `;
  const minimal = (title: string, header: string[], extra: string[] = []) =>
    [`# ${title}`, '', ...header, '', '## Key Facts', ...extra, ''].join('\n');
  const valid = (i: number): CardSpec => ({
    name: `gen-${i}.md`,
    what: `valid card for the generated item Q${1_000_000 + i}`,
    body: renderCard(record(i)),
    expect: { key: `gen-${i}`, has: { qid: record(i).qid, facts: record(i).facts }, note: 'read in full' },
  });
  const jsonLd = (json: string) => ['```json', json, '```'];
  const truncated = renderCard(r10, {
    extra: ['', ...jsonLd('{ "name": "Tenebra", "url": "https://x.example.org/"').slice(0, 2)],
  });
  return [
    valid(6),
    valid(7),
    valid(8),
    // --- truncated, binary, huge, empty
    {
      name: 'truncated-jsonld.md',
      what: 'truncated: the card ends inside its JSON-LD block',
      body: truncated.slice(0, truncated.lastIndexOf('"url"') + 12),
      expect: {
        error: 'the JSON-LD block is not valid JSON: Unterminated string in JSON at position 33',
        line: 18,
      },
    },
    {
      name: 'truncated-link.md',
      what: 'truncated: the card ends inside the Wikidata link',
      body: `# Cut short\n\n**Wikidata**: [Q1000009](https://www.wikid`,
      expect: {
        error:
          'Wikidata line: invalid QID "[Q1000009](https://www.wikid": expected Q followed by digits, such as "Q42"',
        line: 3,
      },
    },
    {
      name: 'binary.md',
      what: 'binary: a PNG image saved as .md',
      body: Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1,
      ]),
      expect: { error: 'binary data (NUL bytes), not a text record' },
    },
    {
      name: 'latin1.md',
      what: 'not UTF-8: a card saved as Latin-1 ("Société" with a 0xE9 byte)',
      body: Buffer.concat([
        Buffer.from('# Soci'),
        Buffer.from([0xe9]),
        Buffer.from(`t\u00e9\n\n${wd('Q1000009')}\n`, 'latin1'),
      ]),
      expect: { error: 'not valid UTF-8 text (a binary file, or another encoding)' },
    },
    {
      name: 'huge.md',
      what: `huge: a card over local.maxRecordBytes (${MAX_RECORD_BYTES})`,
      body: renderCard(r9, { extra: ['', '## Body', 'x'.repeat(MAX_RECORD_BYTES * 2)] }),
      expect: { error: 'file is 8649 bytes, over local.maxRecordBytes (4096)' },
    },
    { name: 'empty.md', what: 'an empty file', body: '', expect: { error: 'empty file' } },
    // --- structure
    {
      name: 'no-title.md',
      what: 'no "# Name" title line',
      body: `${wd('Q1000009')}\n\n## Key Facts\n- Developed by Nobody\n`,
      expect: { error: 'no title line ("# Name")' },
    },
    {
      name: 'no-qid.md',
      what: 'no Wikidata link anywhere',
      body: minimal('Nameless', ['**Source**: https://example.org/']),
      expect: {
        error: 'no QID: expected a "**Wikidata**: [Q…](…)" line or a Wikidata URL in the JSON-LD sameAs',
      },
    },
    // --- QIDs
    {
      name: 'qid-lowercase.md',
      what: 'lower-case QID in the header link',
      body: minimal('Lower', ['**Wikidata**: [q1000009](https://www.wikidata.org/wiki/q1000009)  ']),
      expect: {
        error: 'Wikidata line: invalid QID "q1000009": the Q must be upper-case ("Q1000009")',
        line: 3,
      },
    },
    {
      name: 'qid-zero.md',
      what: 'invalid QID Q0',
      body: minimal('Zero', [wd('Q0')]),
      expect: {
        error: 'Wikidata line: invalid QID "Q0": expected Q followed by digits, such as "Q42"',
        line: 3,
      },
    },
    {
      name: 'qid-letters.md',
      what: 'invalid QID "Qabc"',
      body: minimal('Letters', [wd('Qabc')]),
      expect: {
        error: 'Wikidata line: invalid QID "Qabc": expected Q followed by digits, such as "Q42"',
        line: 3,
      },
    },
    {
      name: 'qid-other-host.md',
      what: 'the Wikidata link points at another host',
      body: minimal('Elsewhere', ['**Wikidata**: [Q1000009](https://evil.example/wiki/Q1000009)  ']),
      expect: {
        error: 'Wikidata line: "https://evil.example/wiki/Q1000009" is not a Wikidata item URL',
        line: 3,
      },
    },
    {
      name: 'qid-jsonld-lowercase.md',
      what: 'lower-case QID in the JSON-LD sameAs',
      body: minimal(
        'Lower JSON-LD',
        [wd('Q1000009')],
        ['', ...jsonLd('{ "sameAs": ["https://www.wikidata.org/wiki/q5"] }')],
      ),
      expect: { error: 'JSON-LD sameAs: invalid QID "q5": the Q must be upper-case ("Q5")', line: 8 },
    },
    // --- Wikipedia titles: ../ ? # %
    {
      name: 'title-dotdot-encoded.md',
      what: 'Wikipedia title "../../w/api.php", percent-encoded so that the URL keeps it',
      body: minimal('Dot dot', [wd('Q1000009'), wp('https://en.wikipedia.org/wiki/..%2F..%2Fw%2Fapi.php')]),
      expect: { error: 'Wikipedia line: Wikipedia title "../../w/api.php" is a relative path', line: 4 },
    },
    {
      name: 'title-dotdot-plain.md',
      what: 'Wikipedia link with a plain ../../ (the URL resolves it away from /wiki/)',
      body: minimal('Dot dot plain', [wd('Q1000009'), wp('https://en.wikipedia.org/wiki/../../w/api.php')]),
      expect: {
        error:
          'Wikipedia line: "https://en.wikipedia.org/wiki/../../w/api.php" is not a link to a Wikipedia page',
        line: 4,
      },
    },
    {
      name: 'title-hash-encoded.md',
      what: 'Wikipedia title with an encoded "#" (%23)',
      body: minimal('Hash', [wd('Q1000009'), wp('https://en.wikipedia.org/wiki/Foo%23bar')]),
      expect: {
        error: 'Wikipedia line: Wikipedia title "Foo#bar" contains a character titles cannot have',
        line: 4,
      },
    },
    {
      name: 'title-double-encoded.md',
      what: 'Wikipedia title double-encoded (%252F decodes to a literal "%2F")',
      body: minimal('Double', [wd('Q1000009'), wp('https://en.wikipedia.org/wiki/A%252F..%252Fb')]),
      expect: {
        error: 'Wikipedia line: Wikipedia title "A%2F..%2Fb" still contains a percent-encoded sequence',
        line: 4,
      },
    },
    {
      name: 'title-bad-percent.md',
      what: 'Wikipedia title with a malformed percent-encoding',
      body: minimal('Bad percent', [wd('Q1000009'), wp('https://en.wikipedia.org/wiki/100%_sure')]),
      expect: {
        error:
          'Wikipedia line: Wikipedia link "https://en.wikipedia.org/wiki/100%_sure" has a malformed percent-encoding',
        line: 4,
      },
    },
    {
      name: 'title-api-path.md',
      what: 'Wikipedia link to the API itself with a query',
      body: minimal('API', [
        wd('Q1000009'),
        wp('https://en.wikipedia.org/w/api.php?action=delete&title=Main_Page'),
      ]),
      expect: {
        error:
          'Wikipedia line: "https://en.wikipedia.org/w/api.php?action=delete&title=Main_Page" is not a link to a Wikipedia page',
        line: 4,
      },
    },
    {
      name: 'title-other-host.md',
      what: 'Wikipedia link on a look-alike host',
      body: minimal('Look-alike', [wd('Q1000009'), wp('https://en.wikipedia.org.evil.example/wiki/Tenebra')]),
      expect: { error: 'Wikipedia line: "en.wikipedia.org.evil.example" is not a Wikipedia host', line: 4 },
    },
    {
      name: 'gen-9.md',
      what: 'Wikipedia link with a query (?action=raw) and a fragment (#History): both dropped, the page kept',
      body: renderCard(r9, {
        header: [
          wd(r9.qid),
          wp(`https://en.wikipedia.org/wiki/${wikiTitle(r9.wikipedia?.title ?? '')}?action=raw#History`),
        ],
      }),
      expect: {
        key: 'gen-9',
        has: { qid: r9.qid, wikipedia: r9.wikipedia },
        note: 'read; the query and fragment are not part of the title',
      },
    },
    {
      name: 'title-question.md',
      what: 'Wikipedia title with an encoded "?" and a "%" (valid MediaWiki title characters)',
      body: minimal('Question', [wd('Q1000010'), wp('https://en.wikipedia.org/wiki/Why%3F_100%25_sure')]),
      expect: {
        key: 'title-question',
        has: { qid: 'Q1000010', wikipedia: { lang: 'en', title: 'Why? 100% sure' } },
        note: 'read: "?" and a lone "%" are valid in titles; sent as an encoded parameter, never as part of the path',
      },
    },
    // --- injected HTML and Markdown
    {
      name: 'html-title.md',
      what: 'injected HTML: <script> in the title and an onerror image in the description',
      body: renderCard(r11, {
        title: '<script>alert("title")</script>Krypta 11',
      }).replace(`> ${r11.description}`, '> <img src=x onerror=alert("description")>'),
      expect: {
        key: 'html-title',
        has: { qid: r11.qid, label: '<script>alert("title")</script>Krypta 11' },
        note: 'read as text; the HTML report must escape it',
      },
    },
    {
      name: 'js-wikipedia-link.md',
      what: 'Markdown link [x](javascript:…) as the Wikipedia link',
      body: minimal('JS link', [wd('Q1000009'), '**Wikipedia**: [x](javascript:alert(1))  ']),
      expect: { error: 'Wikipedia line: "" is not a Wikipedia host', line: 4 },
    },
    {
      name: 'js-website-fact.md',
      what: 'Markdown link [x](javascript:…) as the website in Key Facts',
      body: minimal(
        'JS website',
        [wd('Q1000011')],
        ['- Available on the official website: [x](javascript:alert(1))'],
      ),
      expect: {
        key: 'js-website-fact',
        has: { qid: 'Q1000011', facts: {} },
        note: 'read; a javascript: link is not a website, so no website fact',
      },
    },
    {
      name: 'js-jsonld-url.md',
      what: 'javascript: URL as the JSON-LD url',
      body: minimal(
        'JS JSON-LD',
        [wd('Q1000011')],
        ['', ...jsonLd('{ "name": "JS JSON-LD", "url": "javascript:alert(1)" }')],
      ),
      expect: { error: 'JSON-LD url: "javascript:alert(1)" is not an http(s) URL', line: 8 },
    },
    {
      name: 'jsonld-array.md',
      what: 'wrong type: the JSON-LD block is an array',
      body: minimal('Array', [wd('Q1000011')], ['', ...jsonLd('[1, 2, 3]')]),
      expect: { error: 'the JSON-LD block must be one JSON object', line: 7 },
    },
    {
      name: 'jsonld-wrong-type.md',
      what: 'wrong type: the JSON-LD url is a number',
      body: minimal('Number URL', [wd('Q1000011')], ['', ...jsonLd('{ "url": 42 }')]),
      expect: { error: 'JSON-LD url: expected a string, got 42', line: 8 },
    },
    // --- conflicting facts
    {
      name: 'conflict-qid.md',
      what: 'conflicting facts: header QID vs JSON-LD sameAs QID',
      body: renderCard(r10, {
        extra: ['', ...jsonLd('{ "sameAs": ["https://www.wikidata.org/wiki/Q1000003"] }')],
      }),
      expect: {
        key: 'conflict-qid',
        has: {
          qid: r10.qid,
          conflicts: [
            {
              field: 'qid',
              values: [
                { value: r10.qid, where: 'header Wikidata link', line: 5 },
                { value: 'Q1000003', where: 'JSON-LD sameAs', line: 19 },
              ],
            },
          ],
        },
        note: 'read, the header kept, a local conflict on qid listed',
      },
    },
    {
      name: 'conflict-dates.md',
      what: 'conflicting facts: two announcement dates',
      body: minimal(
        'Two dates',
        [wd('Q1000004')],
        ['- First announced on March 1, 2020', '- Announced on 2021-06-05'],
      ),
      expect: {
        key: 'conflict-dates',
        has: {
          qid: 'Q1000004',
          facts: { announced: '2020-03-01' },
          conflicts: [
            {
              field: 'announced',
              values: [
                { value: '2020-03-01', where: 'Key Facts', line: 6 },
                { value: '2021-06-05', where: 'Key Facts', line: 7 },
              ],
            },
          ],
        },
        note: 'read, the first date kept, a local conflict on announced listed',
      },
    },
    {
      name: 'bad-date.md',
      what: 'wrong type: an unparseable date',
      body: minimal('Smarch', [wd('Q1000004')], ['- First announced on Smarch 5, 2020']),
      expect: {
        error: 'unparseable date "Smarch 5, 2020": "Smarch" is not a month name after "announced on"',
        line: 6,
      },
    },
    // --- text the store cannot hold, through JSON-LD escapes
    {
      name: 'jsonld-nul.md',
      what: 'U+0000 in the JSON-LD name (a \\u0000 escape)',
      body: minimal('Nul', [wd('Q1000011')], ['', ...jsonLd('{ "name": "Nul\\u0000" }')]),
      expect: {
        error: 'label (JSON-LD name): contains U+0000 (NUL), which the store cannot hold',
        line: 8,
      },
    },
    {
      name: 'jsonld-surrogate.md',
      what: 'a lone UTF-16 surrogate in the JSON-LD description (a \\ud800 escape)',
      body: minimal('Half', [wd('Q1000011')], ['', ...jsonLd('{ "description": "half \\ud800 a pair" }')]),
      expect: {
        error:
          'description (JSON-LD description): contains a lone UTF-16 surrogate (U+D800), which the store cannot hold',
        line: 8,
      },
    },
    {
      name: 'jsonld-deep.md',
      what: 'a JSON-LD url nested 1,000 arrays deep',
      body: minimal(
        'Deep',
        [wd('Q1000011')],
        ['', ...jsonLd(`{ "url": ${'['.repeat(1000)}${']'.repeat(1000)} }`)],
      ),
      expect: { error: 'JSON-LD url: expected a string, got an array', line: 8 },
    },
    // --- built to make a backtracking parser take for ever: each is read, quickly
    {
      name: 'list-many-commas.md',
      what: 'a Key Facts list of 40 developers without "and" (exponential for a backtracking list pattern)',
      body: minimal(
        'Many commas',
        [wd('Q1000011')],
        [`- Developed by ${Array.from({ length: 40 }, (_, i) => `Dev${i}`).join(', ')}`],
      ),
      expect: {
        key: 'list-many-commas',
        has: { qid: 'Q1000011', facts: { developer: ['Dev0'] } },
        note: 'read: not a list (no "and"), so the first developer up to the comma',
      },
    },
    {
      name: 'title-spaces.md',
      what: 'a title with 3,000 spaces inside it (cubic for a backtracking heading pattern)',
      body: minimal(`Spaced${' '.repeat(3000)}Title`, [wd('Q1000011')]),
      expect: {
        key: 'title-spaces',
        has: { qid: 'Q1000011', label: 'Spaced Title' },
        note: 'read: the spaces are one',
      },
    },
    // --- duplicated keys: two cards with the same file name in different folders (the walk reads
    // gen-6.md before the folder later/, so the one in the folder is the second)
    {
      name: 'later/gen-6.md',
      what: 'duplicated key: a second card named gen-6.md (in a subfolder), for another item',
      body: renderCard(r8, { title: 'Second gen-6' }),
      expect: { error: 'duplicate key "gen-6": already used by gen-6.md' },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// JSONL

interface LineSpec {
  readonly what: string;
  readonly text: string | Buffer;
  readonly expect: Expectation;
}

function lineSpecs(): LineSpec[] {
  const json = (value: unknown) => JSON.stringify(value);
  const valid = (i: number): LineSpec => ({
    what: `valid record for the generated item Q${1_000_000 + i}`,
    text: json(record(i)),
    expect: { key: `gen-${i}`, has: record(i) as unknown as Record<string, unknown>, note: 'read in full' },
  });
  const base = { key: 'bad', qid: 'Q1000005', label: 'Bad' };
  const err = (what: string, text: string | Buffer, error: string): LineSpec => ({
    what,
    text,
    expect: { error },
  });
  const full = json(record(5));
  return [
    valid(0),
    valid(1),
    err(
      'truncated: the line stops mid-string',
      full.slice(0, 60),
      'invalid JSON: Unterminated string in JSON at position 60',
    ),
    err(
      'truncated: the line stops after a comma',
      `${full.slice(0, full.indexOf(',"facts"'))},`,
      'invalid JSON: Expected double-quoted property name in JSON at position 165',
    ),
    err('binary: NUL bytes', Buffer.from([0x7b, 0, 0, 0x7d]), 'binary data (NUL bytes), not a text record'),
    err(
      'not UTF-8: a Latin-1 byte in a string',
      Buffer.concat([
        Buffer.from('{"key":"latin","qid":"Q1000005","label":"Soci'),
        Buffer.from([0xe9]),
        Buffer.from('t"}'),
      ]),
      'not valid UTF-8 text (a binary file, or another encoding)',
    ),
    err(
      `huge: a line over local.maxRecordBytes (${MAX_RECORD_BYTES})`,
      json({ ...base, key: 'huge', description: 'x'.repeat(MAX_RECORD_BYTES * 2) }),
      'line is 8254 bytes, over local.maxRecordBytes (4096)',
    ),
    err('wrong type: the line is an array', '[1,2,3]', 'expected a JSON object, got an array'),
    err('wrong type: the line is null', 'null', 'expected a JSON object, got null'),
    err('wrong type: the line is a string', '"gen-1"', 'expected a JSON object, got the string "gen-1"'),
    err(
      'wrong type: qid is a number',
      json({ ...base, qid: 42 }),
      '"qid": expected a QID string such as "Q42", got number',
    ),
    err(
      'wrong type: label is an array',
      json({ ...base, label: ['a', 'b'] }),
      '"label": expected text, got an array',
    ),
    err(
      'wrong type: facts is a string',
      json({ ...base, facts: 'none' }),
      '"facts": expected an object, got the string "none"',
    ),
    err(
      'wrong type: an item fact is a number',
      json({ ...base, facts: { developer: 7 } }),
      '"facts.developer": expected an item (label, QID or {"id","label"}), got number 7',
    ),
    err(
      'wrong type: a date that is not a date',
      json({ ...base, facts: { announced: '2024-13-45' } }),
      '"facts.announced": unparseable date "2024-13-45": month 13 out of range',
    ),
    err(
      'wrong type: wikipedia is a string',
      json({ ...base, wikipedia: 'https://en.wikipedia.org/wiki/Bad' }),
      '"wikipedia": expected an object such as {"lang":"en","title":"…"}, got the string "https://en.wikipedia.org/wiki/Bad"',
    ),
    err(
      'wikipedia without a lang',
      json({ ...base, wikipedia: { title: 'Bad' } }),
      '"wikipedia.lang": expected a language code such as "en", got nothing',
    ),
    err('missing key', json({ qid: 'Q1000005' }), 'missing "key": expected a non-empty string'),
    err('missing qid', json({ key: 'no-qid' }), 'missing "qid"'),
    err(
      'invalid QID "Q0"',
      json({ ...base, qid: 'Q0' }),
      '"qid": invalid QID "Q0": expected Q followed by digits, such as "Q42"',
    ),
    err(
      'invalid QID "Q-12"',
      json({ ...base, qid: 'Q-12' }),
      '"qid": invalid QID "Q-12": expected Q followed by digits, such as "Q42"',
    ),
    err(
      'invalid QID with trailing text',
      json({ ...base, qid: 'Q1000005 ' }),
      '"qid": invalid QID "Q1000005 ": expected Q followed by digits, such as "Q42"',
    ),
    err(
      'lower-case QID',
      json({ ...base, qid: 'q1000005' }),
      '"qid": invalid QID "q1000005": the Q must be upper-case ("Q1000005")',
    ),
    err(
      'key with ../',
      json({ ...base, key: '../../etc/passwd' }),
      '"key" "../../etc/passwd" contains "/", "\\" or a control character',
    ),
    err(
      'key with a control character',
      json({ ...base, key: 'bad\u0007key' }),
      '"key" "bad\\u0007key" contains "/", "\\" or a control character',
    ),
    err(
      'title with ../',
      json({ ...base, wikipedia: { lang: 'en', title: '../../w/api.php' } }),
      '"wikipedia.title": Wikipedia title "../../w/api.php" is a relative path',
    ),
    err(
      'title with #',
      json({ ...base, wikipedia: { lang: 'en', title: 'Bad#fragment' } }),
      '"wikipedia.title": Wikipedia title "Bad#fragment" contains a character titles cannot have',
    ),
    err(
      'title with a %-encoded sequence',
      json({ ...base, wikipedia: { lang: 'en', title: 'Bad%2F..%2Fx' } }),
      '"wikipedia.title": Wikipedia title "Bad%2F..%2Fx" still contains a percent-encoded sequence',
    ),
    err(
      'lang with ../',
      json({ ...base, wikipedia: { lang: 'en/../../evil', title: 'Bad' } }),
      '"wikipedia.lang": expected a language code such as "en", got the string "en/../../evil"',
    ),
    err(
      'lang as a host name',
      json({ ...base, wikipedia: { lang: 'evil.example.org', title: 'Bad' } }),
      '"wikipedia.lang": expected a language code such as "en", got the string "evil.example.org"',
    ),
    err(
      'lang in capitals',
      json({ ...base, wikipedia: { lang: 'EN', title: 'Bad' } }),
      '"wikipedia.lang": expected a language code such as "en", got the string "EN"',
    ),
    err(
      'injected Markdown: a javascript: website',
      json({ ...base, facts: { website: 'javascript:alert(1)' } }),
      '"facts.website": "javascript:alert(1)" is not an http(s) URL',
    ),
    {
      what: 'title with "?" and "%" (valid title characters)',
      text: json({ key: 'question', qid: 'Q1000005', wikipedia: { lang: 'en', title: 'Why? 100% sure' } }),
      expect: {
        key: 'question',
        has: { wikipedia: { lang: 'en', title: 'Why? 100% sure' } },
        note: 'read: sent as an encoded parameter, never as part of the path',
      },
    },
    {
      what: 'injected HTML in label and description',
      text: json({
        key: 'html',
        qid: 'Q1000003',
        label: '<script>alert(1)</script>',
        description: '<b onmouseover=alert(2)>x</b>',
      }),
      expect: {
        key: 'html',
        has: { label: '<script>alert(1)</script>' },
        note: 'read as text; the HTML report must escape it',
      },
    },
    err(
      'conflicts without values',
      json({ ...base, conflicts: [{ field: 'label' }] }),
      '"conflicts[0].values": expected a list of 2 or more {"value","where","line"}, got nothing',
    ),
    err(
      'conflicts not a list',
      json({ ...base, conflicts: 'label' }),
      '"conflicts": expected a list, got the string "label"',
    ),
    err(
      'conflict about a field that is not configured',
      json({
        ...base,
        conflicts: [
          {
            field: 'colour',
            values: [
              { value: 'a', where: 'x' },
              { value: 'b', where: 'y' },
            ],
          },
        ],
      }),
      '"conflicts[0].field": "colour" is not a configured field (nor qid, label, description or wikipedia)',
    ),
    err(
      'conflict value with line 0',
      json({
        ...base,
        conflicts: [
          {
            field: 'label',
            values: [
              { value: 'a', where: 'x', line: 0 },
              { value: 'b', where: 'y' },
            ],
          },
        ],
      }),
      '"conflicts[0].values[0].line": expected a line number (1 or more), got number 0',
    ),
    err(
      'conflict value nested',
      json({
        ...base,
        conflicts: [
          {
            field: 'label',
            values: [
              { value: [[['a']]], where: 'x' },
              { value: 'b', where: 'y' },
            ],
          },
        ],
      }),
      '"conflicts[0].values[0].value[0]": expected text or an object of texts, got an array',
    ),
    err(
      'U+0000 in the label (a \\u0000 escape)',
      json({ ...base, label: 'Bad\u0000' }),
      '"label": contains U+0000 (NUL), which the store cannot hold',
    ),
    err(
      'a lone surrogate in an item label (a \\udc00 escape)',
      json({ ...base, facts: { developer: ['Acme', '\udc00'] } }),
      '"facts.developer[1]": contains a lone UTF-16 surrogate (U+DC00), which the store cannot hold',
    ),
    {
      what: 'well-formed conflicts, as `entities --json` prints them',
      text: json({
        key: 'listed-conflict',
        qid: 'Q1000004',
        label: 'Listed',
        conflicts: [
          {
            field: 'label',
            values: [
              { value: 'Listed', where: 'title', line: 1 },
              { value: 'Listed 2', where: 'JSON-LD name', line: 12 },
            ],
          },
        ],
      }),
      expect: {
        key: 'listed-conflict',
        has: {
          conflicts: [
            {
              field: 'label',
              values: [
                { value: 'Listed', where: 'title', line: 1 },
                { value: 'Listed 2', where: 'JSON-LD name', line: 12 },
              ],
            },
          ],
        },
        note: 'read, the conflict kept',
      },
    },
    {
      what: 'duplicated JSON key: "qid" twice in one line',
      text: '{"key":"dup-json","qid":"Q1000001","qid":"Q1000002","label":"Twice"}',
      expect: {
        key: 'dup-json',
        has: { qid: 'Q1000002' },
        note: 'read: the last "qid" wins, silently (JSON.parse keeps the last of a repeated key)',
      },
    },
    {
      what: 'duplicated key: a second line with key gen-0, for another item',
      text: json({ ...record(4), key: 'gen-0', label: 'Second gen-0' }),
      expect: { error: 'duplicate key "gen-0": already used by records.jsonl:1' },
    },
    {
      what: 'a fact the config does not know',
      text: json({ key: 'unknown-fact', qid: 'Q1000002', facts: { colour: 'blue' } }),
      expect: {
        key: 'unknown-fact',
        has: { qid: 'Q1000002' },
        note: 'read; the unknown fact is a warning, ignored',
      },
    },
    valid(2),
    valid(3),
  ];
}

// ---------------------------------------------------------------------------------------------------

export const JSONL_FILE = 'records.jsonl';

/** Every input, with the file (relative to CORPUS_DIR) and line it is in. */
export function corpusInputs(): CorpusInput[] {
  const cards = cardSpecs().map((spec) => ({
    file: `cards/${spec.name}`,
    what: spec.what,
    expect: spec.expect,
  }));
  const lines = lineSpecs().map((spec, i) => ({
    file: JSONL_FILE,
    line: i + 1,
    what: spec.what,
    expect: spec.expect,
  }));
  return [...cards, ...lines];
}

/** The corpus files: relative path → bytes. */
export function corpusFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const spec of cardSpecs())
    files.set(`cards/${spec.name}`, typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body);
  const lines = lineSpecs().map((spec) =>
    typeof spec.text === 'string' ? Buffer.from(spec.text) : spec.text,
  );
  files.set(JSONL_FILE, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
  return files;
}

export function writeCorpus(dir = CORPUS_DIR): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, bytes] of corpusFiles()) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeCorpus();
  process.stdout.write(
    `wrote ${corpusFiles().size} files, ${corpusInputs().length} inputs, to ${CORPUS_DIR}\n`,
  );
}
