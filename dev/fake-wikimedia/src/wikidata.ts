// The fake Wikidata Action API (`{url}/w/api.php`): action=wbgetentities, and action=query with
// prop=info over item titles (the cheap revision check), prop=revisions over revids (what recent edits
// touched) and list=recentchanges (the change feed).

import { actionQuery } from './action-query.js';
import { type ApiAnswer, type ApiRequest, apiError, param } from './api.js';
import type { PageSite, ResolvedPage } from './query-pages.js';
import type { FakeStore } from './store.js';
import { wbgetentities } from './wbgetentities.js';

function wikidataSite(store: FakeStore): PageSite {
  return {
    contentmodel: 'wikibase-item',
    language: 'en',
    get(title: string): ResolvedPage | undefined {
      if (!/^Q[1-9]\d*$/.test(title)) return undefined;
      const found = store.lookupPage(title);
      if (found.kind === 'missing') return undefined;
      const page = { title, ...found.page };
      return found.kind === 'redirect' ? { ...page, redirectTo: found.to } : page;
    },
  };
}

export function handleWikidata(request: ApiRequest, store: FakeStore): ApiAnswer {
  const action = param(request, 'action');
  if (action === 'wbgetentities') return wbgetentities(request, store);
  if (action === 'query')
    return actionQuery(
      request,
      wikidataSite(store),
      () => store.feed,
      (revid) => store.revision(revid),
    );
  if (action === undefined)
    return apiError(request, 'other', 'missingparam', 'The "action" parameter must be set.');
  return apiError(request, 'other', 'badvalue', `Unrecognized value for parameter "action": ${action}.`);
}
