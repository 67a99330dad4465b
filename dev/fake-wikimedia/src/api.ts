// What every Action API answer shares: the request as the handlers see it, the answer they return,
// and MediaWiki's error and warning envelopes (errorformat=bc, the default, and the errors[] form),
// per API:Errors and warnings. Errors are HTTP 200 with a MediaWiki-API-Error header, as on the wikis.

export type Endpoint =
  | 'wbgetentities'
  | 'query-info-wikidata'
  | 'query-revisions'
  | 'recentchanges'
  | 'query-pages-wikipedia'
  | 'recentchanges-wikipedia'
  | 'other';

export interface ApiRequest {
  readonly params: ReadonlyMap<string, string>;
  /** formatversion=2 (or `latest`). */
  readonly fv2: boolean;
  /** Where the request went: `wikidata`, or the Wikipedia language. */
  readonly site: string;
  readonly nowMs: number;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly endpoint: Endpoint;
}

export const SERVED_BY = 'mw-api-ext.eqiad.main-fake';

const ANNOUNCE =
  'Subscribe to the mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and breaking changes.';

export function docref(site: string): string {
  const host = site === 'wikidata' ? 'www.wikidata.org' : `${site}.wikipedia.org`;
  return `See https://${host}/w/api.php for API usage. ${ANNOUNCE}`;
}

export function param(request: ApiRequest, name: string): string | undefined {
  return request.params.get(name);
}

/** A parameter given as a flag (`redirects`, `redirects=1`, `redirects=`): present unless absent. */
export function flag(request: ApiRequest, name: string): boolean {
  return request.params.has(name);
}

/** An Action API error: `{"error":{code,info,…,"*"},"servedby"}` (docref under formatversion=2). */
export function apiError(
  request: ApiRequest,
  endpoint: Endpoint,
  code: string,
  info: string,
  extra: Readonly<Record<string, unknown>> = {},
): ApiAnswer {
  const errorformat = param(request, 'errorformat');
  const ref = docref(request.site);
  const body =
    errorformat && errorformat !== 'bc'
      ? {
          errors: [
            { code, text: info, ...(Object.keys(extra).length ? { data: extra } : {}), module: 'main' },
          ],
          docref: ref,
          servedby: SERVED_BY,
        }
      : { error: { code, info, ...extra, [request.fv2 ? 'docref' : '*']: ref }, servedby: SERVED_BY };
  return { status: 200, body, headers: { 'MediaWiki-API-Error': code }, endpoint };
}

/** The `warnings` member: `{module: {"*": text}}`, or `{module: {warnings: text}}` under formatversion=2. */
export function warnings(
  request: ApiRequest,
  byModule: Readonly<Record<string, string[]>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [module, texts] of Object.entries(byModule)) {
    if (texts.length) out[module] = { [request.fv2 ? 'warnings' : '*']: texts.join('\n') };
  }
  return out;
}

/** MediaWiki's multi-value limit for ordinary users (500 for bots; the fake treats everyone as a user). */
export const MULTI_VALUE_LIMIT = 50;

/** The real `toomanyvalues` error, as Wikimedia wikis answer more than 50 ids or titles. */
export function tooManyValues(request: ApiRequest, endpoint: Endpoint, name: string): ApiAnswer {
  return apiError(
    request,
    endpoint,
    'toomanyvalues',
    `Too many values supplied for parameter "${name}". The limit is ${MULTI_VALUE_LIMIT}.`,
    { limit: MULTI_VALUE_LIMIT, lowlimit: MULTI_VALUE_LIMIT, highlimit: 500 },
  );
}

/** Which endpoint a request is for, from its parameters alone (for stats, even when a fault answers). */
export function endpointFor(site: string, params: ReadonlyMap<string, string>): Endpoint {
  const action = params.get('action');
  if (site === 'wikidata' && action === 'wbgetentities') return 'wbgetentities';
  if (action !== 'query') return 'other';
  if (site === 'wikidata' && params.has('revids')) return 'query-revisions';
  const lists = (params.get('list') ?? '').split('|');
  const feed = !params.has('titles') && lists.includes('recentchanges');
  if (site === 'wikidata') return feed ? 'recentchanges' : 'query-info-wikidata';
  return feed ? 'recentchanges-wikipedia' : 'query-pages-wikipedia';
}

/** How many ids (wbgetentities) and titles (query) a request asks for, counted as sent. */
export function requestedCounts(
  endpoint: Endpoint,
  params: ReadonlyMap<string, string>,
): { ids: number; titles: number } {
  const count = (name: string) => {
    const value = params.get(name);
    if (!value) return 0;
    return value.startsWith('\u001f') ? value.split('\u001f').length - 1 : value.split('|').length;
  };
  if (endpoint === 'wbgetentities') return { ids: count('ids'), titles: count('titles') };
  return { ids: 0, titles: count('titles') };
}

export const batchComplete = (request: ApiRequest): true | '' => (request.fv2 ? true : '');

/** Builds an action=query answer from its parts, in MediaWiki's member order. */
export function queryAnswer(
  request: ApiRequest,
  endpoint: Endpoint,
  parts: {
    query: Record<string, unknown>;
    warnings: Record<string, string[]>;
    cont?: Record<string, string>;
  },
): ApiAnswer {
  const warned = warnings(request, parts.warnings);
  const body: Record<string, unknown> = {};
  if (Object.keys(warned).length) body.warnings = warned;
  body.batchcomplete = batchComplete(request);
  if (parts.cont) body.continue = parts.cont;
  body.query = parts.query;
  return { status: 200, body, endpoint };
}
