// Accepted proposals written into real example cards (examples/cards, read at test time). Every result is
// read back with the card reader: it must give the applied value, keep every other fact, and create no
// local conflict.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCard } from '../../src/local/read/card-parser.js';
import { applyToCard } from '../../src/local/write/cards.js';
import { wikipediaPath } from '../../src/local/write/wikipedia-url.js';
import type { ItemId } from '../../src/model/ids.js';
import type { Proposal } from '../../src/model/proposal.js';
import { type LocalRecord, recordToJson } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const example = (name: string) =>
  readFileSync(new URL(`../../examples/cards/${name}.md`, import.meta.url), 'utf8');

function read(text: string, key: string): LocalRecord {
  const result = parseCard(text, key, `${key}.md`, fields);
  if (!result.ok) throw new Error(`expected a card, got: ${result.error.error} (line ${result.error.line})`);
  return result.record;
}

type Wanted = Pick<Proposal, 'field' | 'kind' | 'remote'> & Partial<Proposal>;

let sequence = 0;
function proposal(record: LocalRecord, wanted: Wanted): Proposal {
  sequence++;
  return {
    id: `p${sequence}`,
    entity: record.key,
    qid: record.qid,
    local: null,
    evidence: {
      source: 'wikidata',
      url: `https://www.wikidata.org/wiki/${record.qid}`,
      retrievedAt: '2025-10-01T03:00:00Z',
    },
    status: 'decided',
    side: 'card',
    firstSeen: '2025-10-01T03:00:00Z',
    lastSeen: '2025-10-01T03:00:00Z',
    ...wanted,
  };
}

/** Applies, re-reads, and checks that nothing but `changed` moved and no new conflict appeared. */
function apply(
  key: string,
  wanted: Wanted[],
  text = example(key),
  changed: string[] = wanted.map((w) => w.field),
) {
  const before = read(text, key);
  const proposals = wanted.map((w) => proposal(before, w));
  const result = applyToCard(text, before, proposals, fields);
  const after = read(result.text, key);
  const json = recordToJson(after, fields);
  const was = recordToJson(before, fields);
  const omit = (j: Record<string, unknown>) => {
    const facts = { ...(j.facts as Record<string, unknown>) };
    const top: Record<string, unknown> = { ...j, facts };
    for (const name of changed) {
      delete facts[name];
      delete top[name];
    }
    delete top.conflicts;
    return top;
  };
  expect(omit(json)).toEqual(omit(was));
  const hadConflict = new Set(before.conflicts.map((c) => c.field));
  expect(after.conflicts.filter((c) => !hadConflict.has(c.field))).toEqual([]);
  return { before, proposals, result, after, json, facts: json.facts as Record<string, unknown> };
}

const linesOf = (text: string) => text.split('\n');

/** The card without its Summary paragraph, which restates most facts in sentences that say more. */
const withoutSummary = (text: string) => text.replace(/(## Summary\n)[^\n]+\n/, '$1');

describe('add: the card does not state the fact', () => {
  it("adds a Key Facts bullet from the field's first phrase, after the last bullet", () => {
    const { result, facts } = apply('chatgpt', [{ field: 'announced', kind: 'add', remote: '2022-11-30' }]);
    expect(result.applied).toEqual(['p1']);
    expect(facts.announced).toBe('2022-11-30');
    const lines = linesOf(result.text);
    const bullet = lines.indexOf('- Announced on November 30, 2022');
    expect(lines[bullet - 1]).toBe(
      '- Available on its own domain: [https://chatgpt.com](https://chatgpt.com)',
    );
    expect(lines[bullet + 1]).toBe('');
  });

  it('writes an item by label, a month with "in", and a list with serial commas', () => {
    const { result, facts } = apply(
      'sora-2',
      [
        { field: 'followedBy', kind: 'add', remote: { id: 'Q1', label: 'Sora 3' } },
        { field: 'inception', kind: 'add', remote: '2025-09' },
        {
          field: 'namedAfter',
          kind: 'add',
          remote: [{ id: 'Q2', label: 'sky' }],
        },
      ],
      undefined,
      ['followedBy', 'inception'],
    );
    expect(result.text).toContain('\n- Followed by Sora 3\n- Established in September 2025\n');
    expect(facts).toMatchObject({ followedBy: 'Sora 3', inception: '2025-09' });
    expect(result.skipped).toEqual([
      {
        id: expect.any(String),
        reason:
          'the card has no place to state "namedAfter": the field has no phrases and no jsonld key in the config',
      },
    ]);
  });

  it('creates the Key Facts section after the Summary when the card has none', () => {
    const text = example('sora-2').replace(/## Key Facts\n[\s\S]*?\n\n/, '');
    const { result, facts } = apply(
      'sora-2',
      [
        { field: 'website', kind: 'add', remote: 'https://openai.com/sora' },
        {
          field: 'instanceOf',
          kind: 'add',
          remote: [{ label: 'text-to-video model' }, { label: 'diffusion model' }, { label: 'transformer' }],
        },
      ],
      text.replace(/\n\s*"url": .*/, '').replace(/,\n\s*"additionalType": .*/, ''),
    );
    const lines = linesOf(result.text);
    const heading = lines.indexOf('## Key Facts');
    expect(lines.slice(heading - 2, heading + 5)).toEqual([
      expect.stringContaining('OpenAI announced on September 30, 2025'),
      '',
      '## Key Facts',
      '- Available on the official website: [https://openai.com/sora](https://openai.com/sora)',
      '- Classified as text-to-video model, diffusion model, and transformer',
      '',
      '## FAQs',
    ]);
    expect(facts).toMatchObject({
      website: 'https://openai.com/sora',
      instanceOf: ['text-to-video model', 'diffusion model', 'transformer'],
    });
  });

  it('adds a Wikipedia header line under the Wikidata line, and a description line under the title', () => {
    const text = example('sora-2').replace('> video and audio generation model developed by OpenAI\n\n', '');
    const noDescription = text.replace(/\s*"description": .*\n/, '\n');
    const { result, json } = apply(
      'sora-2',
      [
        { field: 'wikipedia', kind: 'add', remote: { lang: 'en', title: 'Sora 2' } },
        { field: 'description', kind: 'add', remote: 'video generation model' },
      ],
      noDescription,
    );
    expect(linesOf(result.text).slice(0, 7)).toEqual([
      '# Sora 2',
      '',
      '> video generation model',
      '',
      '**Wikidata**: [Q136505399](https://www.wikidata.org/wiki/Q136505399)  ',
      '**Wikipedia**: [English](https://en.wikipedia.org/wiki/Sora_2)  ',
      '**Source**: https://openai.com/index/sora-2/',
    ]);
    expect(json).toMatchObject({
      wikipedia: { lang: 'en', title: 'Sora 2' },
      description: 'video generation model',
    });
  });
});

describe('update: the value is rewritten everywhere the card states it', () => {
  it('changes only the date in a bullet stating two facts, "Developed by OpenAI, announced on …"', () => {
    const text = withoutSummary(example('sora')).replace(
      '- Developed by OpenAI\n- First announced on February 15, 2024',
      '- Developed by OpenAI, announced on February 15, 2024',
    );
    const { result, facts } = apply(
      'sora',
      [{ field: 'announced', kind: 'update', local: '2024-02-15', remote: '2024-02-16' }],
      text,
    );
    expect(result.text).toContain('\n- Developed by OpenAI, announced on February 16, 2024\n');
    expect(facts).toMatchObject({ announced: '2024-02-16', developer: ['OpenAI'] });
  });

  it('keeps each card\'s date style: day first, ISO, and "in" → "on" when the date gains a day', () => {
    const card = (name: string) => withoutSummary(example(name));
    const dalle = apply(
      'dall-e',
      [{ field: 'announced', kind: 'update', local: '2021-01-05', remote: '2021-01-06' }],
      card('dall-e'),
    );
    expect(dalle.result.text).toContain('- First announced on 6 January 2021\n');
    const gpt4 = apply(
      'gpt-4',
      [{ field: 'published', kind: 'update', local: '2023-03-14', remote: '2023-03-15' }],
      card('gpt-4'),
    );
    expect(gpt4.result.text).toContain('- Publicly released on 2023-03-15\n');
    const sd = apply(
      'stable-diffusion',
      [{ field: 'published', kind: 'update', local: '2022-08', remote: '2022-08-22' }],
      card('stable-diffusion'),
    );
    expect(sd.result.text).toContain('- Initially released on August 22, 2022\n');
    expect(sd.facts.published).toBe('2022-08-22');
  });

  it('replaces an item by its label in a bullet that states only the item', () => {
    const text = example('gpt-3').replace(
      '- Followed by GPT-4, the next model of the series',
      '- Followed by *GPT-4*.',
    );
    const { result, facts } = apply(
      'gpt-3',
      [
        {
          field: 'followedBy',
          kind: 'update',
          local: { label: 'GPT-4' },
          remote: { id: 'Q1', label: 'GPT-3.5' },
        },
      ],
      text,
    );
    expect(result.text).toContain('\n- Followed by *GPT-3.5*.\n');
    expect(facts.followedBy).toBe('GPT-3.5');
  });

  it("rewrites a list whole, in the card's order, and the JSON-LD additionalType with it", () => {
    const { result, facts } = apply('sora', [
      {
        field: 'instanceOf',
        kind: 'update',
        local: [
          { label: 'artificial intelligence model' },
          { label: 'diffusion model' },
          { label: 'text-to-video model' },
        ],
        remote: [
          { id: 'Q2', label: 'diffusion model' },
          { id: 'Q3', label: 'text-to-video model' },
          { id: 'Q4', label: 'transformer' },
        ],
      },
    ]);
    expect(result.text).toContain(
      '\n- Classified as a text-to-video model, diffusion model, and transformer\n',
    );
    expect(result.text).toContain(
      '\n  "additionalType": ["TextToVideoModel", "DiffusionModel", "Transformer"]\n',
    );
    expect(facts.instanceOf).toEqual(['text-to-video model', 'diffusion model', 'transformer']);
  });

  it('sets a website stated in Key Facts and in JSON-LD in both places', () => {
    const text = example('sora').replace(
      'Available on the OpenAI website:',
      'Available on the official website:',
    );
    const { result, facts, after } = apply(
      'sora',
      [{ field: 'website', kind: 'update', local: 'https://openai.com/sora', remote: 'https://sora.com/' }],
      text,
    );
    expect(result.text).toContain(
      '\n- Available on the official website: [https://sora.com/](https://sora.com/)\n',
    );
    expect(result.text).toContain('\n  "url": "https://sora.com/",\n');
    expect(facts.website).toBe('https://sora.com/');
    expect(after.origins?.website?.map((o) => o.where)).toEqual(['Key Facts', 'JSON-LD url']);
  });

  it('rewrites the title and the description in the header and in JSON-LD', () => {
    const { result, json } = apply('dall-e', [
      { field: 'label', kind: 'update', local: 'DALL-E', remote: 'DALL·E' },
      {
        field: 'description',
        kind: 'update',
        local: 'text-to-image model developed by OpenAI',
        remote: 'image model',
      },
    ]);
    expect(linesOf(result.text).slice(0, 3)).toEqual(['# DALL·E', '', '> image model']);
    expect(result.text).toContain('  "name": "DALL·E",\n  "description": "image model",\n');
    expect(json).toMatchObject({ label: 'DALL·E', description: 'image model' });
  });
});

describe('redirect and moved', () => {
  it('redirect: the header link and the sameAs Wikidata URL name the target', () => {
    const { result, json } = apply('sora', [
      {
        field: 'qid',
        kind: 'redirect',
        local: { id: 'Q124544998' },
        remote: { id: 'Q124544999' as ItemId, label: 'Sora' },
      },
    ]);
    expect(result.text).toContain('**Wikidata**: [Q124544999](https://www.wikidata.org/wiki/Q124544999)  \n');
    expect(result.text).toContain('"sameAs": ["https://www.wikidata.org/wiki/Q124544999", ');
    expect(result.text).toContain('4. [Wikidata item Q124544998]'); // references are left as written
    expect(json.qid).toBe('Q124544999');
  });

  it("redirect into the QID a card's JSON-LD already names settles that local conflict", () => {
    const { after } = apply('broken-veo', [
      {
        field: 'qid',
        kind: 'redirect',
        local: { id: 'Q999999901' },
        remote: { id: 'Q999999902', label: 'Veo' },
      },
    ]);
    expect(after.qid).toBe('Q999999902');
    expect(after.conflicts).toEqual([]);
  });

  it('moved: the header and sameAs links carry the new title, encoded as Wikipedia does', () => {
    const title = 'Sora (modèle vidéo)';
    const { result, json } = apply('sora', [
      {
        field: 'wikipedia',
        kind: 'moved',
        local: { lang: 'en', title: 'Sora (text-to-video model)' },
        remote: { lang: 'en', title },
      },
    ]);
    const url = 'https://en.wikipedia.org/wiki/Sora_(mod%C3%A8le_vid%C3%A9o)';
    expect(result.text).toContain(`**Wikipedia**: [English](${url})  \n`);
    expect(result.text).toContain(`"sameAs": ["https://www.wikidata.org/wiki/Q124544998", "${url}"]`);
    expect(json.wikipedia).toEqual({ lang: 'en', title });
  });

  it('encodes titles as MediaWiki does', () => {
    expect(wikipediaPath('Sora (text-to-video model)')).toBe('Sora_(text-to-video_model)');
    expect(wikipediaPath("Schindler's List")).toBe('Schindler%27s_List');
    expect(wikipediaPath('AC/DC: Live, 1992')).toBe('AC/DC:_Live,_1992');
    expect(wikipediaPath('Q&A?')).toBe('Q%26A%3F');
    expect(wikipediaPath('A (b (c))')).toBe('A_%28b_%28c%29%29');
  });
});

describe('skipped proposals leave the card as it was, each with its reason', () => {
  const text = example('gpt-4');
  const record = read(text, 'gpt-4');
  const cases: Array<[string, Wanted, string]> = [
    [
      'upstream',
      { field: 'published', kind: 'upstream', local: '2023-03-14', remote: null },
      'upstream proposals are edits for Wikidata, not for the card',
    ],
    [
      'conflict',
      { field: 'followedBy', kind: 'conflict', remote: [{ label: 'a' }, { label: 'b' }] },
      'Wikidata is ambiguous here',
    ],
    [
      'local-conflict',
      { field: 'qid', kind: 'local-conflict', remote: null },
      'a local conflict is settled by editing the card by hand',
    ],
    [
      'missing',
      { field: 'qid', kind: 'missing', remote: null },
      'the Wikidata item or the Wikipedia page does not exist',
    ],
    [
      'mismatch',
      { field: 'wikipedia', kind: 'mismatch', remote: { id: 'Q1', label: 'x' } },
      'the Wikipedia page belongs to another Wikidata item',
    ],
    [
      'novalue',
      { field: 'follows', kind: 'update', local: { label: 'GPT-3' }, remote: { snaktype: 'novalue' } },
      'novalue',
    ],
    ['no remote value', { field: 'follows', kind: 'add', remote: null }, 'no remote value'],
    [
      'unconfigured field',
      { field: 'license', kind: 'add', remote: 'MIT' },
      'the field "license" is not configured',
    ],
    [
      'a card edited since',
      { field: 'follows', kind: 'update', local: { label: 'GPT-2' }, remote: { label: 'GPT-3.5' } },
      'the card changed since this proposal was made: it says "GPT-3", the proposal was made against "GPT-2"',
    ],
    [
      'a phrase shared with another field',
      {
        field: 'developer',
        kind: 'update',
        local: [{ label: 'OpenAI' }],
        remote: [{ label: 'OpenAI' }, { label: 'Microsoft' }],
      },
      'the card states "developer" in the same words as "owner"',
    ],
  ];
  for (const [name, wanted, reason] of cases) {
    it(name, () => {
      const result = applyToCard(text, record, [proposal(record, wanted)], fields);
      expect(result.text).toBe(text);
      expect(result.applied).toEqual([]);
      expect(result.skipped).toEqual([{ id: expect.any(String), reason: expect.stringContaining(reason) }]);
    });
  }

  it('a value the card already states is applied without a change', () => {
    const p = proposal(record, {
      field: 'follows',
      kind: 'update',
      local: { label: 'GPT-2' },
      remote: { label: 'GPT-3' },
    });
    expect(applyToCard(text, record, [p], fields)).toEqual({
      text,
      applied: [p.id],
      skipped: [],
      needsPerson: [],
    });
  });

  it('of two accepted proposals for one field, the one seen last is applied', () => {
    const text = example('gpt-4').replace(', the 2020 model of the same series', '');
    const older = proposal(record, {
      field: 'follows',
      kind: 'update',
      local: { label: 'GPT-3' },
      remote: { label: 'GPT-3.5' },
      lastSeen: '2025-10-01T00:00:00Z',
    });
    const newer = proposal(record, {
      field: 'follows',
      kind: 'update',
      local: { label: 'GPT-3' },
      remote: { label: 'GPT-3.1' },
      lastSeen: '2025-10-02T00:00:00Z',
    });
    const result = applyToCard(text, record, [older, newer], fields);
    expect(result.applied).toEqual([newer.id]);
    expect(result.skipped).toEqual([
      { id: older.id, reason: expect.stringContaining(`(${newer.id}) is newer`) },
    ]);
    expect(read(result.text, 'gpt-4').facts.follows).toEqual({ label: 'GPT-3.1' });
  });

  it('applying the same proposals again changes nothing and reports them applied', () => {
    const wanted: Wanted[] = [
      { field: 'announced', kind: 'update', local: '2024-02-15', remote: '2024-02-16' },
      { field: 'qid', kind: 'redirect', local: { id: 'Q124544998' }, remote: { id: 'Q124544999' as ItemId } },
    ];
    const { result, after } = apply('sora', wanted, withoutSummary(example('sora')), ['announced', 'qid']);
    const again = applyToCard(
      result.text,
      after,
      wanted.map((w) => proposal(after, w)),
      fields,
    );
    expect(again.text).toBe(result.text);
    expect(again.applied).toHaveLength(2);
  });
});

describe('a line that says more about the value than the value needs a person', () => {
  const lineOf = (text: string, start: string) => linesOf(text).findIndex((l) => l.startsWith(start)) + 1;

  it('"Follows GPT-3, the 2020 model of the same series" is not rewritten; the card stays byte for byte', () => {
    const text = example('gpt-4');
    const record = read(text, 'gpt-4');
    const p = proposal(record, {
      field: 'follows',
      kind: 'update',
      local: { label: 'GPT-3' },
      remote: { id: 'Q1', label: 'GPT-3.5' },
    });
    const result = applyToCard(text, record, [p], fields);
    expect(result).toEqual({
      text,
      applied: [],
      skipped: [],
      needsPerson: [
        {
          id: p.id,
          lines: [
            {
              line: lineOf(text, '- Follows GPT-3'),
              text: '- Follows GPT-3, the 2020 model of the same series',
              extra: { where: 'after', text: ', the 2020 model of the same series' },
            },
          ],
        },
      ],
    });
  });

  it('a date restated in a Summary sentence stops the proposal: not even the value-only bullet is written', () => {
    const text = example('sora');
    const record = read(text, 'sora');
    const p = proposal(record, {
      field: 'announced',
      kind: 'update',
      local: '2024-02-15',
      remote: '2024-02-16',
    });
    const result = applyToCard(text, record, [p], fields);
    expect(result.text).toBe(text);
    expect(result.needsPerson[0]?.lines.map((l) => l.line)).toEqual([
      lineOf(text, 'Sora is a generative model'),
    ]);
    expect(result.needsPerson[0]?.lines[0]?.extra.where).toBe('before');
  });

  it('a website whose words describe it ("its own domain", a link text) needs a person', () => {
    const chatgpt = example('chatgpt');
    const record = read(chatgpt, 'chatgpt');
    const website = {
      field: 'website',
      kind: 'update' as const,
      local: 'https://chatgpt.com',
      remote: 'https://openai.com/chatgpt',
    };
    const own = applyToCard(chatgpt, record, [proposal(record, website)], fields);
    expect(own.text).toBe(chatgpt);
    expect(own.needsPerson[0]?.lines[0]?.extra).toEqual({ where: 'between', text: 'its own domain:' });
    const linkText = chatgpt.replace('its own domain: [https://chatgpt.com]', '[the ChatGPT site]');
    const described = read(linkText, 'chatgpt');
    const result = applyToCard(linkText, described, [proposal(described, website)], fields);
    expect(result.text).toBe(linkText);
    expect(result.needsPerson[0]?.lines[0]?.extra).toEqual({ where: 'between', text: '[the ChatGPT site]' });
  });

  it("the card's other proposals are still written", () => {
    const text = withoutSummary(example('gpt-4'));
    const record = read(text, 'gpt-4');
    const follows = proposal(record, {
      field: 'follows',
      kind: 'update',
      local: { label: 'GPT-3' },
      remote: { label: 'GPT-3.5' },
    });
    const published = proposal(record, {
      field: 'published',
      kind: 'update',
      local: '2023-03-14',
      remote: '2023-03-15',
    });
    const result = applyToCard(text, record, [follows, published], fields);
    expect(result.applied).toEqual([published.id]);
    expect(result.needsPerson.map((n) => n.id)).toEqual([follows.id]);
    expect(result.text).toBe(
      text.replace('- Publicly released on 2023-03-14', '- Publicly released on 2023-03-15'),
    );
  });
});
