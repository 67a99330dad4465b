// The fake Wikipedias (`{url}/wikipedia/{lang}/w/api.php`): action=query with prop=info|pageprops
// over titles, the check of a record's article (does it exist, was it moved, which item is it).

import { type ApiAnswer, type ApiRequest, apiError, param, queryAnswer, tooManyValues } from './api.js';
import { type PageSite, queryPages, type ResolvedPage } from './query-pages.js';
import type { FakeStore } from './store.js';
import { splitValues } from './titles.js';

function wikipediaSite(store: FakeStore, lang: string): PageSite {
  return {
    contentmodel: 'wikitext',
    language: lang,
    get(title: string): ResolvedPage | undefined {
      const page = store.getPage(lang, title);
      if (!page) return undefined;
      const pageprops: Record<string, string> = {};
      if (page.disambiguation) pageprops.disambiguation = '';
      if (page.wikibaseItem) pageprops.wikibase_item = page.wikibaseItem;
      const { wikibaseItem: _item, disambiguation: _disambiguation, ...rest } = page;
      return { ...rest, ...(Object.keys(pageprops).length ? { pageprops } : {}) };
    },
  };
}

export function handleWikipedia(request: ApiRequest, store: FakeStore): ApiAnswer {
  const action = param(request, 'action');
  const endpoint = 'query-pages-wikipedia';
  if (action !== 'query') {
    if (action === undefined)
      return apiError(request, 'other', 'missingparam', 'The "action" parameter must be set.');
    return apiError(request, 'other', 'badvalue', `Unrecognized value for parameter "action": ${action}.`);
  }
  const warned: Record<string, string[]> = {};
  const lists = splitValues(param(request, 'list'));
  if (lists.length) warned.query = lists.map((list) => `Unrecognized value for parameter "list": ${list}.`);
  if (!request.params.has('titles')) return queryAnswer(request, endpoint, { query: {}, warnings: warned });
  const pages = queryPages(request, wikipediaSite(store, request.site));
  if (!pages.ok) return tooManyValues(request, endpoint, 'titles');
  if (pages.warnings.length) warned.query = [...(warned.query ?? []), ...pages.warnings];
  return queryAnswer(request, endpoint, { query: pages.query, warnings: warned });
}
