// `action=query` on any fake wiki (API:Query): prop=info|pageprops over `titles` (query-pages.ts),
// prop=revisions over `revids` on Wikidata (query-revisions.ts: the revision history the store
// recorded, for what recent edits touched) and list=recentchanges over the wiki's change feed
// (recent-changes.ts), in one answer; other lists are answered with MediaWiki's "Unrecognized value"
// warning. An answer with revisions is written as PHP's json_encode writes it under formatversion=1
// (non-ASCII escaped): edit summaries are often not ASCII.

import { type ApiAnswer, type ApiRequest, endpointFor, param, queryAnswer, tooManyValues } from './api.js';
import type { ChangeFeed } from './changes.js';
import { apiJson, JsonPieces } from './http.js';
import { type PageSite, queryPages } from './query-pages.js';
import { queryRevisions, type RevisionLookup } from './query-revisions.js';
import { recentChanges } from './recent-changes.js';
import { splitValues } from './titles.js';

export function actionQuery(
  request: ApiRequest,
  site: PageSite,
  feed: () => ChangeFeed,
  revisions?: RevisionLookup,
): ApiAnswer {
  const lists = splitValues(param(request, 'list'));
  const endpoint = endpointFor(request.site, request.params);
  const result: {
    query: Record<string, unknown>;
    warnings: Record<string, string[]>;
    cont?: Record<string, string>;
  } = { query: {}, warnings: {} };
  const byRevision = revisions !== undefined && request.params.has('revids');
  if (byRevision) {
    const found = queryRevisions(request, endpoint, revisions);
    if (!found.ok) return found.error;
    Object.assign(result.query, found.query);
    if (found.warnings.length) result.warnings.revisions = found.warnings;
  } else if (request.params.has('titles')) {
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
  const answer = queryAnswer(request, endpoint, result);
  if (!byRevision) return answer;
  return { ...answer, body: new JsonPieces([Buffer.from(apiJson(answer.body, request.fv2), 'utf8')]) };
}
