// `action=query` on any fake wiki (API:Query): prop=info|pageprops over `titles` (query-pages.ts) and
// list=recentchanges over the wiki's change feed (recent-changes.ts), in one answer; other lists are
// answered with MediaWiki's "Unrecognized value" warning.

import { type ApiAnswer, type ApiRequest, endpointFor, param, queryAnswer, tooManyValues } from './api.js';
import type { ChangeFeed } from './changes.js';
import { type PageSite, queryPages } from './query-pages.js';
import { recentChanges } from './recent-changes.js';
import { splitValues } from './titles.js';

export function actionQuery(request: ApiRequest, site: PageSite, feed: () => ChangeFeed): ApiAnswer {
  const lists = splitValues(param(request, 'list'));
  const endpoint = endpointFor(request.site, request.params);
  const result: {
    query: Record<string, unknown>;
    warnings: Record<string, string[]>;
    cont?: Record<string, string>;
  } = { query: {}, warnings: {} };
  if (request.params.has('titles')) {
    const pages = queryPages(request, site);
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
    const changes = recentChanges(request, feed());
    if (!changes.ok) return changes.error;
    result.query.recentchanges = changes.changes;
    if (changes.rccontinue) result.cont = { rccontinue: changes.rccontinue, continue: '-||' };
    if (changes.warnings.length) result.warnings.recentchanges = changes.warnings;
  }
  return queryAnswer(request, endpoint, result);
}
