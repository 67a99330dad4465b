// Wikipedia pages by (language, title): existence, the final title after normalisation and redirects,
// the page's own Wikidata item, lastrevid and disambiguation — one Action API request per language per
// 50 titles. The host comes from config only; a title travels only as an encoded query parameter.

import type { WikipediaPage } from '../model/remote.js';
import { isWikiLanguage, wikipediaTitleProblem } from '../model/wikipedia.js';
import { withoutCredentials } from '../text/redact.js';
import { believed, type Fetched, inBatches } from './batches.js';
import type { JsonClient } from './http.js';
import { queryEnvelopeProblem } from './wikidata-validate.js';
import { parsePages } from './wikipedia-parse.js';

export interface WikipediaOptions {
  /** The client, or one job's view of it (HttpClient.with). */
  http: JsonClient;
  /** With `{lang}`: https://{lang}.wikipedia.org */
  url: string;
  batchSize?: number;
}

export class WikipediaSource {
  constructor(private readonly options: WikipediaOptions) {}

  /** The site of a language, such as https://en.wikipedia.org; throws for a language that is not a code. */
  site(lang: string): string {
    if (!isWikiLanguage(lang)) throw new Error(`"${lang}" is not a Wikipedia language code`);
    return this.options.url.replaceAll('{lang}', lang).replace(/\/+$/, '');
  }

  pageUrl(lang: string, title: string): string {
    return `${withoutCredentials(this.site(lang))}/wiki/${encodeURIComponent(title.replace(/ /g, '_')).replace(/%2F/g, '/')}`;
  }

  async fetchPages(lang: string, titles: readonly string[]): Promise<Fetched<string, WikipediaPage>> {
    const rejected: Array<{ id: string; reason: string }> = [];
    const valid: string[] = [];
    for (const title of new Set(titles)) {
      const problem = isWikiLanguage(lang)
        ? wikipediaTitleProblem(title)
        : `"${lang}" is not a Wikipedia language code`;
      if (problem) rejected.push({ id: title, reason: problem });
      else valid.push(title);
    }
    const result = await inBatches(valid, this.options.batchSize ?? 50, async (batch) => {
      const url = new URL(`${this.site(lang)}/w/api.php`);
      url.search = new URLSearchParams({
        action: 'query',
        prop: 'info|pageprops',
        ppprop: 'wikibase_item|disambiguation',
        redirects: '1',
        titles: batch.join('|'),
        format: 'json',
        formatversion: '2',
        maxlag: '5',
      }).toString();
      const body = await this.options.http.getJson<unknown>(url, 'wikipedia-pages', {
        check: queryEnvelopeProblem,
      });
      return believed(parsePages(body, lang, batch), 'wikipedia-pages', url);
    });
    return { ...result, rejected };
  }
}
