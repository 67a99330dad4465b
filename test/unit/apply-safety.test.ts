// Remote values that are unsafe in Markdown, break a card's line, or cannot read back, on real cards
// (examples/cards, test/fixtures/cards) and JSONL lines. Each is either written — escaped where the
// place needs it — and reads back identically in every place the card states it, or refused with the
// reason and the text left unchanged byte for byte.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCard } from '../../src/local/read/card-parser.js';
import { parseJsonlRecord } from '../../src/local/read/jsonl-record.js';
import { applyToCard } from '../../src/local/write/cards.js';
import { applyToJsonlLine } from '../../src/local/write/jsonl.js';
import type { Proposal } from '../../src/model/proposal.js';
import { type LocalRecord, recordToJson } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const example = (name: string) =>
  readFileSync(new URL(`../../examples/cards/${name}.md`, import.meta.url), 'utf8');
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/cards/${name}.md`, import.meta.url), 'utf8');

function read(text: string, key: string): LocalRecord {
  const result = parseCard(text, key, `${key}.md`, fields);
  if (!result.ok) throw new Error(`expected a card, got: ${result.error.error} (line ${result.error.line})`);
  return result.record;
}

type Wanted = Pick<Proposal, 'field' | 'kind' | 'remote'> & Partial<Proposal>;

let sequence = 0;
function proposal(entity: string, qid: Proposal['qid'], wanted: Wanted): Proposal {
  sequence++;
  return {
    id: `s${sequence}`,
    entity,
    qid,
    local: null,
    evidence: { source: 'wikidata', url: `https://www.wikidata.org/wiki/${qid}`, retrievedAt: '2025-10-01' },
    status: 'decided',
    side: 'card',
    firstSeen: '2025-10-01T03:00:00Z',
    lastSeen: '2025-10-01T03:00:00Z',
    ...wanted,
  };
}

function applyTo(key: string, text: string, wanted: Wanted) {
  const before = read(text, key);
  const p = proposal(key, before.qid, wanted);
  return { p, result: applyToCard(text, before, [p], fields) };
}

/** Applies one proposal that must be refused: the text is unchanged and the reason says `reason`. */
function refused(key: string, text: string, wanted: Wanted, reason: string | RegExp) {
  const { p, result } = applyTo(key, text, wanted);
  expect(result.text).toBe(text);
  expect(result.applied).toEqual([]);
  expect(result.skipped).toEqual([
    {
      id: p.id,
      reason: typeof reason === 'string' ? expect.stringContaining(reason) : expect.stringMatching(reason),
    },
  ]);
  return result.skipped[0]?.reason ?? '';
}

/**
 * The sora card with its Key Facts lines stating values only, so apply writes them (card-clauses.ts):
 * "the second generation of the model" and "the OpenAI website" would need a person.
 */
const valueOnlySora = () =>
  example('sora')
    .replace('Followed by Sora 2, the second generation of the model', 'Followed by Sora 2')
    .replace('Available on the OpenAI website:', 'Available on the official website:');

const website = (remote: string): Wanted => ({
  field: 'website',
  kind: 'update',
  local: 'https://openai.com/sora',
  remote,
});

describe('a label with markup', () => {
  it('"OpenAI <script>alert(3)</script>" is refused for the card title, the card unchanged', () => {
    const reason = refused(
      'openai',
      example('openai'),
      { field: 'label', kind: 'update', local: 'OpenAI', remote: 'OpenAI <script>alert(3)</script>' },
      'the remote label "OpenAI <script>alert(3)</script>" has "<" at character 8',
    );
    expect(reason).toContain('Markdown reads it as HTML');
  });

  it('an item label with HTML or emphasis is refused for a Key Facts bullet', () => {
    const followedBy = (label: string): Wanted => ({
      field: 'followedBy',
      kind: 'update',
      local: { label: 'Sora 2' },
      remote: { id: 'Q1', label },
    });
    refused('sora', valueOnlySora(), followedBy('Sora <b>3</b>'), 'has "<" at character 6');
    refused('sora', valueOnlySora(), followedBy('Sora *3*'), 'Markdown reads it as emphasis');
    refused(
      'sora',
      valueOnlySora(),
      followedBy('Sora [3](https://evil.example)'),
      'Markdown reads it as a link',
    );
  });

  it('a title ending in "#" is refused: the title line would drop it', () => {
    refused(
      'openai',
      example('openai'),
      { field: 'label', kind: 'update', local: 'OpenAI', remote: 'OpenAI #' },
      'ends in "#"',
    );
  });

  it('a label with an underscore inside a word is written and reads back as written', () => {
    const { result } = applyTo('openai', example('openai'), {
      field: 'label',
      kind: 'update',
      local: 'OpenAI',
      remote: 'Open_AI',
    });
    expect(result.skipped).toEqual([]);
    expect(read(result.text, 'openai').label).toBe('Open_AI');
    expect(result.text).toContain('\n  "name": "Open_AI",\n');
  });
});

describe('characters a card line cannot hold', () => {
  it('a description with a newline is refused with the reason, on the fixture card too', () => {
    for (const [key, text, local] of [
      ['openai', example('openai'), 'American artificial intelligence research organization'],
      ['whisper', fixture('whisper'), 'speech recognition model developed by OpenAI'],
    ] as const)
      refused(
        key,
        text,
        { field: 'description', kind: 'update', local, remote: 'speech model\n# by OpenAI' },
        'the remote description "speech model\\n# by OpenAI" has a newline (U+000A) at character 13',
      );
  });

  it('a label with a line separator, a bidirectional control or a C1 control is refused', () => {
    const label = (remote: string): Wanted => ({ field: 'label', kind: 'update', local: 'OpenAI', remote });
    refused('openai', example('openai'), label('Open\u2028AI'), 'a line separator (U+2028) at character 5');
    refused(
      'openai',
      example('openai'),
      label('Open\u202eIA'),
      'a bidirectional control (U+202E) at character 5',
    );
    refused(
      'openai',
      example('openai'),
      label('Open\u0085AI'),
      'a control character (U+0085) at character 5',
    );
  });

  it('the reason is safe to print: the value is shown with its controls escaped', () => {
    const reason = refused(
      'openai',
      example('openai'),
      { field: 'label', kind: 'update', local: 'OpenAI', remote: 'Open\u202eIA\u001b[2J' },
      'the remote label "Open\\u202eIA\\u001b[2J" has',
    );
    expect(reason).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
  });
});

describe('URLs', () => {
  const cases: Array<[string, string, string]> = [
    ['a space', 'https://sora.com/a b', 'has a space (U+0020) at character 19'],
    ['a double quote', 'https://sora.com/a"b', 'has a double quote (") at character 19'],
    ['a "<"', 'https://sora.com/a<b', 'has "<" at character 19'],
    ['a line separator', 'https://sora.com/a\u2028b', 'has a line separator (U+2028) at character 19'],
    ['a newline', 'https://sora.com/a\nb', 'has a newline (U+000A) at character 19'],
    ['a tab', 'https://sora.com/a\tb', 'has a tab (U+0009) at character 19'],
    ['an apostrophe', "https://sora.com/a'b", "has an apostrophe (') at character 19"],
  ];
  for (const [name, url, reason] of cases)
    it(`a website with ${name} is refused, naming the character and where it is`, () => {
      const text = valueOnlySora();
      const why = refused('sora', text, website(url), reason);
      expect(why).toContain('percent-encode');
    });

  it('a URL with an unbalanced parenthesis is refused: a Markdown link cannot hold it', () => {
    refused('sora', valueOnlySora(), website('https://sora.com/a)b'), 'unbalanced parentheses');
  });

  it('a URL with "_", "*" and balanced parentheses is written and reads back identically in both places', () => {
    const url = 'https://sora.example/wiki/Sora_(model)/*new*';
    const { result } = applyTo('sora', valueOnlySora(), website(url));
    expect(result.skipped).toEqual([]);
    const after = read(result.text, 'sora');
    expect(after.facts.website).toBe(url);
    expect(after.origins?.website?.map((o) => o.where)).toEqual(['Key Facts', 'JSON-LD url']);
    // The link text shows the URL with its emphasis markers escaped; the target is the URL itself.
    expect(result.text).toContain(
      `- Available on the official website: [https://sora.example/wiki/Sora_(model)/\\*new\\*](${url})\n`,
    );
  });

  it('a later apply cannot leave prose and JSON-LD different: a card stating a line separator in a URL does not read', () => {
    // The card as an earlier apply wrote it: the Key Facts link and the JSON-LD url with a U+2028 inside.
    const broken = 'https://sora.com/a\u2028b';
    const text = valueOnlySora()
      .replace('[https://openai.com/sora](https://openai.com/sora)', `[${broken}](${broken})`)
      .replace('"url": "https://openai.com/sora"', `"url": "${broken}"`);
    expect(parseCard(text, 'sora', 'sora.md', fields)).toMatchObject({
      ok: false,
      error: { error: expect.stringContaining('a line separator (U+2028) at character 19') },
    });
  });

  it('applying a URL with a line separator never writes one place without the other', () => {
    const text = valueOnlySora();
    refused('sora', text, website('https://sora.com/a\u2028b'), 'line separator');
    const { result } = applyTo('sora', text, website('https://sora.com/c'));
    const after = read(result.text, 'sora');
    expect(after.facts.website).toBe('https://sora.com/c');
    expect(after.origins?.website?.map((o) => o.where)).toEqual(['Key Facts', 'JSON-LD url']);
  });
});

describe('Wikipedia titles', () => {
  const moved = (title: string): Wanted => ({
    field: 'wikipedia',
    kind: 'moved',
    local: { lang: 'en', title: 'Sora (text-to-video model)' },
    remote: { lang: 'en', title },
  });

  it('a title with ")" is percent-encoded in the links and reads back identically', () => {
    const { result } = applyTo('sora', example('sora'), moved('Sora)'));
    expect(result.skipped).toEqual([]);
    expect(result.text).toContain('**Wikipedia**: [English](https://en.wikipedia.org/wiki/Sora%29)  \n');
    expect(read(result.text, 'sora').wikipedia).toEqual({ lang: 'en', title: 'Sora)' });
  });

  it('a title with "]" or a line separator is refused', () => {
    refused('sora', example('sora'), moved('Sora]'), 'contains a character titles cannot have');
    refused('sora', example('sora'), moved('Sora\u2028model'), 'a line separator (U+2028)');
  });
});

describe('JSON-LD', () => {
  it('a description stated only in JSON-LD is written with "<" escaped and reads back identically', () => {
    const text = example('sora-2').replace('> video and audio generation model developed by OpenAI\n\n', '');
    const description = 'video model </script><script>alert(1)</script>';
    const { result } = applyTo('sora-2', text, {
      field: 'description',
      kind: 'update',
      local: 'video and audio generation model developed by OpenAI',
      remote: description,
    });
    expect(result.skipped).toEqual([]);
    expect(result.text).not.toContain('</script>');
    expect(result.text).toContain(
      '"description": "video model \\u003c/script\\u003e\\u003cscript\\u003ealert(1)',
    );
    expect(read(result.text, 'sora-2').description).toBe(description);
  });
  it('a value added where only JSON-LD can state it is not held to Markdown rules', () => {
    const config = testConfig({ fields: { slogan: { type: 'text', property: 'P1451', jsonld: 'slogan' } } });
    const text = example('sora');
    const card = parseCard(text, 'sora', 'sora.md', config.fields);
    if (!card.ok) throw new Error(card.error.error);
    const slogan = 'Make <video> from *text*';
    const p = proposal('sora', card.record.qid, { field: 'slogan', kind: 'add', remote: slogan });
    const result = applyToCard(text, card.record, [p], config.fields);
    expect(result.skipped).toEqual([]);
    expect(result.text).toContain('\n  "slogan": "Make \\u003cvideo\\u003e from *text*"\n');
    const back = parseCard(result.text, 'sora', 'sora.md', config.fields);
    expect(back.ok && back.record.facts.slogan).toBe(slogan);
  });
});

describe('JSONL', () => {
  const line =
    '{"key":"sora","qid":"Q124544998","label":"Sora","facts":{"website":"https://openai.com/sora"}}';

  function applyLine(wanted: Wanted) {
    const p = proposal('sora', 'Q124544998', wanted);
    return { p, result: applyToJsonlLine(line, [p], fields, 'entities.jsonl', 3) };
  }

  it('a label with a newline is refused, the line unchanged', () => {
    const { p, result } = applyLine({ field: 'label', kind: 'update', local: 'Sora', remote: 'Sora\nmodel' });
    expect(result).toEqual({
      line,
      applied: [],
      skipped: [
        {
          id: p.id,
          reason: expect.stringContaining(
            'the remote label "Sora\\nmodel" has a newline (U+000A) at character 5',
          ),
        },
      ],
    });
  });

  it('a website with a space is refused, the line unchanged', () => {
    const { result } = applyLine(website('https://sora.com/a b'));
    expect(result.line).toBe(line);
    expect(result.skipped[0]?.reason).toContain('has a space (U+0020) at character 19');
  });

  it('a label with markup is written (JSON holds it) and reads back identically', () => {
    const label = 'Sora <script>alert(3)</script>';
    const { result } = applyLine({ field: 'label', kind: 'update', local: 'Sora', remote: label });
    const back = parseJsonlRecord(result.line, 'entities.jsonl', 3, fields);
    expect(back.ok && recordToJson(back.record, fields).label).toBe(label);
  });
});
