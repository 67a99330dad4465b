import { describe, expect, it } from 'vitest';
import { parsePages } from '../../src/sources/wikipedia-parse.js';
import { wikimediaFixture } from '../support/fixtures.js';
import { believe } from '../support/parsed.js';

const requested = ['Sora_(text-to-video_model)', 'OpenAI', 'Sora_(OpenAI)', 'DALL-E', 'No_such_page_xyz'];
const pages = believe(parsePages(wikimediaFixture('wikipedia_query_pages.json'), 'en', requested));

describe('Wikipedia pages', () => {
  it('follows normalisation to the page and its Wikidata item', () => {
    expect(pages.get('Sora_(text-to-video_model)')).toMatchObject({
      lang: 'en',
      title: 'Sora (text-to-video model)',
      missing: false,
      wikibaseItem: 'Q124544998',
      normalizedFrom: 'Sora_(text-to-video_model)',
      disambiguation: false,
    });
    expect(pages.get('Sora_(text-to-video_model)')?.redirectedFrom).toBeUndefined();
  });

  it('sees a moved page through its redirect', () => {
    expect(pages.get('Sora_(OpenAI)')).toMatchObject({
      title: 'Sora (text-to-video model)',
      redirectedFrom: 'Sora (OpenAI)',
    });
    expect(pages.get('DALL-E')).toMatchObject({ title: 'DALL·E', redirectedFrom: 'DALL-E' });
  });

  it("reports a page's own item even when it is another item (a mismatch for the diff)", () => {
    expect(pages.get('DALL-E')?.wikibaseItem).toBe('Q116219183');
  });

  it('reports a missing page', () => {
    expect(pages.get('No_such_page_xyz')).toMatchObject({ title: 'No such page xyz', missing: true });
    expect(pages.get('No_such_page_xyz')?.lastrevid).toBeUndefined();
  });

  it('reads lastrevid and a disambiguation page', () => {
    expect(pages.get('OpenAI')?.lastrevid).toBe(1332761904);
    const disambiguation = believe(
      parsePages(
        {
          query: {
            pages: [{ pageid: 1, ns: 0, title: 'Sora', lastrevid: 5, pageprops: { disambiguation: '' } }],
          },
        },
        'en',
        ['Sora'],
      ),
    );
    expect(disambiguation.get('Sora')?.disambiguation).toBe(true);
  });

  it('reports an invalid title', () => {
    const invalid = parsePages(
      {
        query: {
          pages: [
            {
              title: 'A<b',
              invalidreason: 'The requested page title contains invalid characters: "<".',
              invalid: true,
            },
          ],
        },
      },
      'en',
      ['A<b'],
    );
    expect(invalid.get('A<b')).toMatchObject({
      missing: true,
      invalid: expect.stringContaining('invalid characters'),
    });
  });
});
