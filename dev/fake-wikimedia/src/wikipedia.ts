// The fake Wikipedias (`{url}/wikipedia/{lang}/w/api.php`): action=query with prop=info|pageprops
// over titles, the check of a record's article (does it exist, was it moved, which item is it), and
// list=recentchanges over the language's own change feed (what changed on the wiki since T).

import { actionQuery } from './action-query.js';
import { type ApiAnswer, type ApiRequest, apiError, param } from './api.js';
import type { PageSite, ResolvedPage } from './query-pages.js';
import type { FakeStore } from './store.js';

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
  if (action === 'query')
    return actionQuery(request, wikipediaSite(store, request.site), () => store.wikipediaFeed(request.site));
  if (action === undefined)
    return apiError(request, 'other', 'missingparam', 'The "action" parameter must be set.');
  return apiError(request, 'other', 'badvalue', `Unrecognized value for parameter "action": ${action}.`);
}
