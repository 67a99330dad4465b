// Which prose lines state only values (card-clauses.ts): the grammar apply uses to decide whether it
// may rewrite a line, or must leave it to a person. Lines from the example cards and their variants.

import { describe, expect, it } from 'vitest';
import { extraWords } from '../../src/local/write/card-clauses.js';
import { testConfig } from '../support/config.js';

const { fields } = testConfig();
const bullet = (line: string) => extraWords(line, 'Key Facts', fields);

describe('lines that state only values: apply may rewrite them', () => {
  for (const line of [
    '- Developed by OpenAI',
    '- Follows GPT-3',
    '- Follows GPT-3.',
    '* Followed by *Sora 2*',
    '- First announced on May 14, 2024',
    '- Publicly released on 2023-03-14',
    '- Initially released in August 2022',
    '- Owned and developed by OpenAI',
    '- Developed by OpenAI, announced on September 21, 2022',
    '- Developed by OpenAI and announced on September 21, 2022.',
    '- Classified as a text-to-video model, diffusion model, and generative artificial intelligence model',
    '- Developed by [OpenAI](https://www.wikidata.org/wiki/Q21708200)',
    '- Available on [https://openai.com/sora](https://openai.com/sora)',
    '- Available on https://openai.com/sora',
    '- Available on the official website: [https://openai.com/sora](https://openai.com/sora)',
  ])
    it(line, () => expect(bullet(line)).toBeUndefined());

  it('a Summary line that is one plain statement', () => {
    expect(extraWords('It was announced on February 15, 2024.', 'Summary', fields)).toBeUndefined();
  });
});

describe('lines that say more about the value: a person rewrites them', () => {
  const cases: Array<[string, string, string]> = [
    ['- Follows GPT-3, the 2020 model of the same series', 'after', ', the 2020 model of the same series'],
    ['- Followed by Veo 2, which added 4K output', 'after', ', which added 4K output'],
    ['- Follows GPT-3 (2020)', 'after', '(2020)'],
    ['- Follows GPT-3 — the 2020 model', 'after', '— the 2020 model'],
    ['- Released on 2023-03-14 in the United States', 'after', 'in the United States'],
    [
      '- Available on its own domain: [https://chatgpt.com](https://chatgpt.com)',
      'between',
      'its own domain:',
    ],
    [
      '- Available on the OpenAI website: [https://openai.com/sora](https://openai.com/sora)',
      'between',
      'the OpenAI website:',
    ],
    [
      '- Available on [the research page](https://openai.com/index/dall-e/)',
      'between',
      '[the research page]',
    ],
    ['- In Europe, released on 2023-03-14', 'before', 'In Europe,'],
    [
      '- Developed by OpenAI, a San Francisco lab, announced on May 1, 2024',
      'between',
      ', a San Francisco lab,',
    ],
  ];
  for (const [line, where, text] of cases)
    it(line, () => expect(bullet(line)).toEqual({ where, text: expect.stringContaining(text.trim()) }));

  it('a Summary paragraph that restates the value among other sentences', () => {
    const line =
      'Sora is a generative model that turns a written prompt into a short video clip. OpenAI showed it when it was announced on February 15, 2024, together with sample clips.';
    expect(extraWords(line, 'Summary', fields)).toMatchObject({ where: 'before' });
  });

  it('a line where no phrase reads a value is all extra', () => {
    expect(bullet('- Trained on 680,000 hours of labelled audio')).toEqual({
      where: 'after',
      text: 'Trained on 680,000 hours of labelled audio',
    });
  });
});
