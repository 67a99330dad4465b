// The read-back apply makes before keeping a rewritten card, place by place: rewrites of the example
// card that the whole-card reading accepts (its first statement is right, the others agree loosely or
// are no longer seen) but that leave the card saying different things in different places.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCard } from '../../src/local/read/card-parser.js';
import { verifyCard } from '../../src/local/write/card-verify.js';
import { planChange } from '../../src/local/write/rules.js';
import type { LocalRecord } from '../../src/model/record.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const text = readFileSync(new URL('../../examples/cards/sora.md', import.meta.url), 'utf8');

function read(card: string): LocalRecord {
  const result = parseCard(card, 'sora', 'sora.md', fields);
  if (!result.ok) throw new Error(result.error.error);
  return result.record;
}

const before = { text, record: read(text) };

const planned = planChange(
  {
    id: 'v1',
    entity: 'sora',
    qid: 'Q124544998',
    field: 'website',
    kind: 'update',
    local: 'https://openai.com/sora',
    remote: 'https://sora.com/c',
    evidence: {
      source: 'wikidata',
      url: 'https://www.wikidata.org/wiki/Q124544998',
      retrievedAt: '2025-10-01',
    },
    status: 'decided',
    side: 'card',
    firstSeen: '2025-10-01T03:00:00Z',
    lastSeen: '2025-10-01T03:00:00Z',
  },
  fields,
  'card',
);
if (!planned.ok) throw new Error(planned.reason);
const change = planned.change;

/** The card with the Key Facts link and the JSON-LD url written as given. */
function rewritten(link: string, jsonUrl: string, rest: (card: string) => string = (c) => c): string {
  return rest(
    text
      .replace('[https://openai.com/sora](https://openai.com/sora)', link)
      .replace('"url": "https://openai.com/sora"', `"url": "${jsonUrl}"`),
  );
}

describe('a rewritten card is kept only if every place reads back as written', () => {
  it('the same URL in both places is kept', () => {
    const card = rewritten('[https://sora.com/c](https://sora.com/c)', 'https://sora.com/c');
    expect(verifyCard(before, card, change, fields)).toMatchObject({ ok: true });
  });

  it('refuses a rewrite after which the Key Facts bullet no longer reads (a line separator in it)', () => {
    const card = rewritten('[https://sora.com/c\u2028](https://sora.com/c\u2028)', 'https://sora.com/c');
    expect(read(card).facts.website).toBe('https://sora.com/c'); // the whole card still reads the value
    expect(verifyCard(before, card, change, fields)).toEqual({
      ok: false,
      reason: 'the card would no longer state "website" in Key Facts once rewritten: edit the card by hand',
    });
  });

  it('refuses a JSON-LD url that differs from the Key Facts link only by a trailing "/"', () => {
    const card = rewritten('[https://sora.com/c](https://sora.com/c)', 'https://sora.com/c/');
    expect(read(card).conflicts).toEqual([]); // loosely the same: not a local conflict
    expect(verifyCard(before, card, change, fields)).toEqual({
      ok: false,
      reason:
        'the card would not state "https://sora.com/c" in JSON-LD url, line 55: it would read ["https://sora.com/c/"]',
    });
  });

  it('refuses a rewrite that changes how another field is stated, even in a place read loosely', () => {
    const card = rewritten('[https://sora.com/c](https://sora.com/c)', 'https://sora.com/c', (c) =>
      c.replace('"DiffusionModel"]', '"diffusionModel"]'),
    );
    expect(read(card).facts.instanceOf).toEqual(before.record.facts.instanceOf);
    expect(verifyCard(before, card, change, fields)).toEqual({
      ok: false,
      reason:
        'rewriting it would change what the card states about "instanceOf" in JSON-LD additionalType: edit the card by hand',
    });
  });
});
