// The fake Wikidata Action API (`{url}/w/api.php`): action=wbgetentities, and action=query with
// prop=info over item titles (the cheap revision check) and list=recentchanges (the change feed).

import {
  type ApiAnswer,
  type ApiRequest,
  apiError,
  endpointFor,
  param,
  queryAnswer,
  tooManyValues,
} from './api.js';
import { type PageSite, queryPages, type ResolvedPage } from './query-pages.js';
import { recentChanges } from './recent-changes.js';
import type { FakeStore } from './store.js';
import { splitValues } from './titles.js';
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

function query(request: ApiRequest, store: FakeStore): ApiAnswer {
  const lists = splitValues(param(request, 'list'));
  const endpoint = endpointFor(request.site, request.params);
  const result: {
    query: Record<string, unknown>;
    warnings: Record<string, string[]>;
    cont?: Record<string, string>;
  } = {
    query: {},
    warnings: {},
  };
  if (request.params.has('titles')) {
    const pages = queryPages(request, wikidataSite(store));
    if (!pages.ok) return tooManyValues(request, endpoint, 'titles');
    Object.assign(result.query, pages.query);
    if (pages.warnings.length) result.warnings.query = pages.warnings;
  }
  for (const list of lists) {
    if (list !== 'recentchanges') {
      result.warnings.query = [
        ...(result.warnings.query ?? []),
        `Unrecognized value for parameter "list": ${list}.`,
      ];
      continue;
    }
    const changes = recentChanges(request, store.feed);
    if (!changes.ok) return changes.error;
    result.query.recentchanges = changes.changes;
    if (changes.rccontinue) result.cont = { rccontinue: changes.rccontinue, continue: '-||' };
    if (changes.warnings.length) result.warnings.recentchanges = changes.warnings;
  }
  return queryAnswer(request, endpoint, result);
}

export function handleWikidata(request: ApiRequest, store: FakeStore): ApiAnswer {
  const action = param(request, 'action');
  if (action === 'wbgetentities') return wbgetentities(request, store);
  if (action === 'query') return query(request, store);
  if (action === undefined)
    return apiError(request, 'other', 'missingparam', 'The "action" parameter must be set.');
  return apiError(request, 'other', 'badvalue', `Unrecognized value for parameter "action": ${action}.`);
}
